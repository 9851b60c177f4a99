// The single-writer rule in PostgreSQL: a session-level advisory lock per session, held by the writer's own connection.
import { hostname } from "node:os";
import { SessionLockedError, type LockHolder } from "@loom/io";
import type { Sql } from "postgres";
import { notASession } from "./session-rows.js";

/** The lock key of session `id`: a 64-bit hash, so sessions practically never share one. */
const lockKey = (sql: Sql, id: string) => sql`hashtextextended(${`loom-session:${id}`}, 0)`;

/**
 * Take the write lock of session `id` on `sql` (a client with exactly one connection, which then holds it until
 * it ends) and record this process as the writer; throws SessionLockedError naming the holder, or IoError
 * not_a_session. Commits check `writer_backend`, so a writer whose connection dropped (and with it the lock)
 * can never commit again.
 */
export async function lockSession(sql: Sql, id: string, where: string, now: () => Date): Promise<void> {
  const [got] = await sql<{ locked: boolean }[]>`select pg_try_advisory_lock(${lockKey(sql, id)}) as locked`;
  if (!got?.locked) {
    throw await lockedBy(sql, id, where);
  }
  await markWriter(sql, id, where, now);
}

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
): Promise<void> {
  try {
    // lock_timeout bounds the wait; set_config(…, true) lasts for this transaction only, the lock for the connection.
    await sql.begin((tx) => [
      tx`select set_config('lock_timeout', ${`${Math.max(1, Math.round(waitMs))}ms`}, true)`,
      tx`select pg_advisory_lock(${lockKey(tx as unknown as Sql, id)})`,
    ]);
  } catch (error) {
    if ((error as { code?: string }).code !== "55P03") throw error;
    throw await lockedBy(
      sql,
      id,
      where,
      `its turn did not end within ${waitMs} ms: try again once it has (a selector's run keeps the session until it ends)`,
    );
  }
  await markWriter(sql, id, where, now);
}

/** Record this process as the writer of session `id` (the lock is already held on `sql`). */
async function markWriter(sql: Sql, id: string, where: string, now: () => Date): Promise<void> {
  const holder: LockHolder = { pid: process.pid, hostname: hostname(), startedAt: now().toISOString() };
  const marked =
    await sql`update loom_sessions set writer_backend = pg_backend_pid(), writer = ${JSON.stringify(holder)}::text::json
    where id = ${id} returning 1`;
  if (marked.length === 0) {
    await unlockSession(sql, id);
    throw notASession(id, where);
  }
}

/** Clear the writer and release the lock (the connection ending would release it too). */
export async function unlockSession(sql: Sql, id: string): Promise<void> {
  await sql`update loom_sessions set writer_backend = null, writer = null where id = ${id} and writer_backend = pg_backend_pid()`;
  await sql`select pg_advisory_unlock(${lockKey(sql, id)})`;
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
