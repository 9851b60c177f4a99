// The single-writer rule in PostgreSQL: a session-level advisory lock per session, held by the writer's own connection.
import { hostname } from "node:os";
import { IoError, SessionLockedError, type LockHolder } from "@loom/io";
import type { Sql } from "postgres";
import { DOCUMENTS } from "./commit-batch.js";
import { notASession } from "./session-rows.js";

/** The lock key of session `id`: a 64-bit hash, so sessions practically never share one. */
const lockKey = (sql: Sql, id: string) => sql`hashtextextended(${`loom-session:${id}`}, 0)`;

/**
 * Turn off `idle_session_timeout` (PostgreSQL 14 on) for the writer's connection, where the server has it: set for a
 * role or a database (as hosted services and DBAs do, to reap forgotten connections), it closed a writer's connection
 * while a person read the candidates, and with it the lock, so the next choice could not be saved. The lock is what
 * the connection is for; it lives as long as the writer. Older servers have no such setting and are left alone.
 */
const keepWhileIdle = (sql: Sql) =>
  sql`case when current_setting('idle_session_timeout', true) is not null
    then set_config('idle_session_timeout', '0', false) end`;

/**
 * Take the write lock of session `id` on `sql` (a client with exactly one connection, which then holds it until
 * it ends) and record this process as the writer; throws SessionLockedError naming the holder, or IoError
 * not_a_session. Commits check `writer_backend`, so a writer whose connection dropped (and with it the lock)
 * can never commit again.
 */
export async function lockSession(sql: Sql, id: string, where: string, now: () => Date, other?: Sql): Promise<void> {
  await refusePooled(sql, other, where);
  const [got] = await sql<
    { locked: boolean; pid: number }[]
  >`select pg_try_advisory_lock(${lockKey(sql, id)}) as locked, pg_backend_pid() as pid, ${keepWhileIdle(sql)} as idle`;
  if (!got?.locked) {
    throw await lockedBy(sql, id, where);
  }
  await checkMarked(sql, id, where, got.pid, await markWriter(sql, id, where, now), other);
}

/**
 * The error for a URL that reaches PostgreSQL through a pooler in transaction mode (PgBouncer's pool_mode =
 * transaction, Supavisor's port 6543, RDS Proxy's pinning off): each transaction may run on another server connection,
 * so a writer's lock, held by a server connection, would stay with a connection the pooler hands to others.
 */
export function pooled(where: string, aside = ""): IoError {
  return new IoError(
    "invalid_field",
    `this URL reaches PostgreSQL through a pooler that hands each transaction to another server connection (transaction pooling): a writer holds its session's lock on one connection for as long as it writes; use a direct URL or the pooler's session mode${aside}`,
    { field: "url", file: where, expected: "a direct connection, or a pooler in session mode" },
  );
}

/**
 * Refuse a pooler in transaction mode before a lock is taken: two client connections that are open at once run on
 * distinct server processes when they reach PostgreSQL directly, always. A pooler that is not busy hands the second
 * client the server connection the first just used (PgBouncer reuses the last one released). A busy pooler may not:
 * that is caught once the lock is taken (lockSession), or by the commits' fence on the writer's backend.
 */
async function refusePooled(sql: Sql, other: Sql | undefined, where: string): Promise<void> {
  if (!other || probed.has(sql)) return;
  const [mine] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid`;
  const [theirs] = await other<{ pid: number }[]>`select pg_backend_pid() as pid`;
  if (mine && theirs && mine.pid === theirs.pid) throw pooled(where);
  probed.add(sql);
}

/** Writers' clients found to reach PostgreSQL directly: a kept writer or a shared session's is probed once. */
const probed = new WeakSet<Sql>();

/**
 * Release the lock of session `id` held by server process `pid`, through connections whose statements a pooler hands
 * to any of its server connections. A pooler hands out the server connection released last (PgBouncer's default), so
 * one client trying again and again may be given the same wrong one every time. Each try therefore holds a
 * transaction open on every server connection it lands on while the next client tries: `sql`, then up to
 * RELEASE_DEPTH of `other`'s connections, so the pooler has to reach further into its pool each time. Tried for up to
 * RELEASE_TRIES_MS; false when no try landed there: the lock then stays with that server connection until the pooler
 * closes it.
 */
async function releaseOn(sql: Sql, id: string, pid: number, other?: Sql): Promise<boolean> {
  const clients = [
    sql,
    ...Array.from({ length: other ? Math.min(RELEASE_DEPTH, other.options.max) : 0 }, () => other!),
  ];
  const until = Date.now() + RELEASE_TRIES_MS;
  for (;;) {
    if (await releaseFrom(clients, 0, id, pid)) return true;
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function releaseFrom(clients: Sql[], at: number, id: string, pid: number): Promise<boolean> {
  const client = clients[at];
  if (!client) return false;
  return client.begin(async (tx) => {
    const [row] = await tx<{ released: boolean | null }[]>`select case when pg_backend_pid() = ${pid}
      then pg_advisory_unlock(${lockKey(tx as unknown as Sql, id)}) end as released`;
    if (row?.released !== null && row?.released !== undefined) return true;
    return releaseFrom(clients, at + 1, id, pid);
  });
}

const RELEASE_DEPTH = 4;
const RELEASE_TRIES_MS = 5_000;

/**
 * Like lockSession, but waits up to `waitMs` for the holder to release the lock (one writer's turn at a time:
 * server replicas take it per action). Still held after that: SessionLockedError naming the holder.
 */
export async function lockSessionWaiting(
  sql: Sql,
  id: string,
  where: string,
  now: () => Date,
  waitMs: number,
  other?: Sql,
): Promise<void> {
  await refusePooled(sql, other, where);
  let pid: number;
  try {
    // lock_timeout bounds the wait; set_config(…, true) lasts for this transaction only, the lock for the connection.
    const [, [locked]] = await sql.begin((tx) => [
      tx`select set_config('lock_timeout', ${`${Math.max(1, Math.round(waitMs))}ms`}, true)`,
      tx<{ pid: number }[]>`select pg_advisory_lock(${lockKey(tx as unknown as Sql, id)}), pg_backend_pid() as pid,
        ${keepWhileIdle(tx as unknown as Sql)} as idle`,
    ]);
    pid = locked!.pid;
  } catch (error) {
    if ((error as { code?: string }).code !== "55P03") throw error;
    throw await lockedBy(
      sql,
      id,
      where,
      `its turn did not end within ${waitMs} ms: try again once it has (a selector's run keeps the session until it ends)`,
    );
  }
  await checkMarked(sql, id, where, pid, await markWriter(sql, id, where, now), other);
}

/**
 * The lock taken on server process `locked` and the writer marked from `marked`: refused as pooled when they differ,
 * once the lock is released where it was taken (with `other`'s help, see releaseOn).
 */
async function checkMarked(
  sql: Sql,
  id: string,
  where: string,
  locked: number,
  marked: number,
  other: Sql | undefined,
): Promise<void> {
  if (marked === locked) return;
  // A pooler moves this connection's statements: the lock stays with the first server connection until it is
  // released there.
  await sql`update loom_sessions set writer_backend = null, writer = null where id = ${id} and writer_backend = ${marked}`;
  const released = await releaseOn(sql, id, locked, other);
  throw pooled(
    where,
    released
      ? ""
      : ` (the lock taken meanwhile stays with server process ${locked} until the pooler closes that connection)`,
  );
}

/** Record this process as the writer of session `id` (the lock is already held on `sql`); the server process marked. */
async function markWriter(sql: Sql, id: string, where: string, now: () => Date): Promise<number> {
  const holder: LockHolder = { pid: process.pid, hostname: hostname(), startedAt: now().toISOString() };
  const marked = await sql<
    { pid: number }[]
  >`update loom_sessions set writer_backend = pg_backend_pid(), writer = ${JSON.stringify(holder)}::text::json
    where id = ${id} returning pg_backend_pid() as pid`;
  if (marked.length === 0) {
    await unlockSession(sql, id);
    throw notASession(id, where);
  }
  return marked[0]!.pid;
}

/**
 * What a writer whose commit failed finds once it is connected again (see takeBackAfterLoss): its batch landed
 * before the connection went (`committed`), or the session is as it left it and is locked again (`relocked`: commit
 * the batch again); or why it cannot write any more.
 */
export type TakenBack = { outcome: "committed" | "relocked" } | { outcome: "lost"; why: string };

/**
 * Take session `id` back after the writer's connection to PostgreSQL was lost (a network failure, a server restart,
 * a connection the server or a proxy closed) in or before the commit of ops `fromSeq`+1 to `toSeq`. postgres.js
 * connects again on the next statement, as another server process, which the commits' fence refuses. The session is
 * taken back only when it is certain that nobody wrote meanwhile: the lock, released with the old connection, is
 * free, and the session's seq is where this writer left it, or at `toSeq` with the very ops of the batch (`ops`, its
 * documents as loom_commit stores them) in those seqs: the commit landed before the answer was lost. (Another
 * writer's commit of as many ops would leave the same seq.) The writer is then marked again as this connection. A connection that still holds the session (the commit
 * failed for another reason) is left as it is: "lost".
 */
export async function takeBackAfterLoss(
  sql: Sql,
  id: string,
  where: string,
  now: () => Date,
  fromSeq: number,
  toSeq: number,
  ops: string,
): Promise<TakenBack> {
  const [row] = await sql<{ pid: number; writer: number | null }[]>`select pg_backend_pid() as pid,
    (select writer_backend from loom_sessions where id = ${id}) as writer`;
  if (!row || row.writer === row.pid) return { outcome: "lost", why: "the commit failed on the lock's own connection" };
  const [got] = await sql<
    { locked: boolean }[]
  >`select pg_try_advisory_lock(${lockKey(sql, id)}) as locked, ${keepWhileIdle(sql)} as idle`;
  if (!got?.locked) return { outcome: "lost", why: "another writer holds the session now" };
  const [state] = await sql<{ seq: string }[]>`select seq::text as seq from loom_sessions where id = ${id}`;
  const seq = state ? Number(state.seq) : Number.NaN;
  if (seq === toSeq && toSeq !== fromSeq) {
    const [landed] = await sql<{ ops: string | null }[]>`select string_agg(op::text, ${DOCUMENTS} order by seq) as ops
      from loom_ops where session_id = ${id} and seq > ${fromSeq} and seq <= ${toSeq}`;
    if (landed?.ops === ops) {
      await markWriter(sql, id, where, now);
      return { outcome: "committed" };
    }
  }
  if (seq !== fromSeq) {
    await sql`select pg_advisory_unlock(${lockKey(sql, id)})`;
    return { outcome: "lost", why: `another writer moved the session on meanwhile (to op ${seq})` };
  }
  await markWriter(sql, id, where, now);
  return { outcome: "relocked" };
}

/**
 * Clear the writer and release the lock (the connection ending would release it too); the connection, which may be
 * kept for the next writer, gets the server's idle_session_timeout back (see keepWhileIdle).
 */
export async function unlockSession(sql: Sql, id: string): Promise<void> {
  await sql`update loom_sessions set writer_backend = null, writer = null where id = ${id} and writer_backend = pg_backend_pid()`;
  await sql`select pg_advisory_unlock(${lockKey(sql, id)}),
    (select set_config(name, reset_val, false) from pg_settings where name = 'idle_session_timeout')`;
}

/** The error for a lock someone else holds, naming them as they recorded themselves. */
async function lockedBy(sql: Sql, id: string, where: string, advice?: string): Promise<SessionLockedError> {
  const [row] = await sql<
    { writer: string | null }[]
  >`select writer::text as writer from loom_sessions where id = ${id}`;
  return new SessionLockedError(where, holderOf(row?.writer ?? null), advice);
}

function holderOf(text: string | null): LockHolder {
  try {
    const h = text ? (JSON.parse(text) as Partial<LockHolder>) : {};
    if (typeof h.pid === "number") return { pid: h.pid, hostname: String(h.hostname), startedAt: String(h.startedAt) };
  } catch {}
  // Taken a moment ago and not yet recorded (or by a tool other than Loom).
  return { pid: 0, hostname: "another connection", startedAt: "just now" };
}
