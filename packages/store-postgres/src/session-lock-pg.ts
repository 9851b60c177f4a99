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
    const [row] = await sql<
      { writer: string | null }[]
    >`select writer::text as writer from loom_sessions where id = ${id}`;
    throw new SessionLockedError(where, holderOf(row?.writer ?? null));
  }
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

function holderOf(text: string | null): LockHolder {
  try {
    const h = text ? (JSON.parse(text) as Partial<LockHolder>) : {};
    if (typeof h.pid === "number") return { pid: h.pid, hostname: String(h.hostname), startedAt: String(h.startedAt) };
  } catch {}
  // Taken a moment ago and not yet recorded (or by a tool other than Loom).
  return { pid: 0, hostname: "another connection", startedAt: "just now" };
}
