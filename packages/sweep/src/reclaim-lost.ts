// Hands back the jobs of workers that are gone (killed, machine lost): their sessions are failed in pg-boss, which retries them elsewhere.
import type { SessionStore } from "@loom/io";
import type PgBoss from "pg-boss";
import type { Sql } from "postgres";
import { SWEEP_QUEUE } from "./sweep-tables.js";

export interface ReclaimInput {
  sql: Sql;
  store: SessionStore;
  boss: PgBoss;
  lostAfterSeconds: number;
  log: (line: string) => void;
}

/**
 * A running session whose heartbeat is older than `lostAfterSeconds` is suspect; it is lost only if its writer's
 * lock is free too (a killed worker's connection, and with it the advisory lock, is gone). A slow but live worker
 * still holds the lock, so its session is never taken from it. Returns the sessions handed back.
 */
export async function reclaimLostSessions(input: ReclaimInput): Promise<string[]> {
  const { sql } = input;
  const suspects = await sql<{ session_id: string; job_id: string; worker: string }[]>`
    select session_id, job_id, worker from loom_sweep_sessions
    where state = 'running' and heartbeat_at < now() - ${input.lostAfterSeconds} * interval '1 second'`;
  const reclaimed: string[] = [];
  for (const s of suspects) {
    try {
      const probe = await input.store.open(s.session_id);
      await probe.close();
    } catch {
      continue; // locked: its worker is alive (or another reclaimer is probing it)
    }
    // Only one reclaimer wins the row; pg-boss then retries the job (a failed attempt, counted).
    const [won] = await sql`update loom_sweep_sessions set state = 'lost', updated_at = now(),
        error = ${`worker ${s.worker} stopped answering`}
      where session_id = ${s.session_id} and state = 'running' and job_id = ${s.job_id} returning 1`;
    if (!won) continue;
    await input.boss.fail(SWEEP_QUEUE, s.job_id, { message: `worker ${s.worker} is gone` });
    // Out of retries, pg-boss fails the job for good: say so in the row, or the sweep would wait for it for ever.
    const job = await input.boss.getJobById(SWEEP_QUEUE, s.job_id);
    if (job?.state === "failed")
      await sql`update loom_sweep_sessions set state = 'failed' where session_id = ${s.session_id} and state = 'lost'`;
    input.log(`${s.session_id}: its worker ${s.worker} is gone; handed back for a retry`);
    reclaimed.push(s.session_id);
  }
  return reclaimed;
}
