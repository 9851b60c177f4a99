// Hands back the jobs of workers that are gone (killed, machine lost): their sessions are failed in pg-boss, which retries them elsewhere.
import type { SessionStore } from "@loom/io";
import type PgBoss from "pg-boss";
import type { Sql } from "postgres";
import { PG_BOSS_SCHEMA } from "./job-queue.js";
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
 * still holds the lock, so its session is never taken from it. A job a worker took from the queue but never
 * started (it died between pg-boss's handout and its claim of the session) is handed back too, once it has been
 * out that long: nothing else would notice it before pg-boss's own expiry, hours later. Returns the sessions
 * handed back.
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
    await handBack(input, s.session_id, s.job_id, `worker ${s.worker} is gone`);
    input.log(`${s.session_id}: its worker ${s.worker} is gone; handed back for a retry`);
    reclaimed.push(s.session_id);
  }
  // Jobs out longer than that whose session was not claimed since the job was handed out (a claim sets the
  // heartbeat): pg-boss's started_on is the time of the latest handout, retries included.
  const unclaimed = await sql<{ session_id: string; job_id: string }[]>`
    select s.session_id, j.id::text as job_id
    from ${sql(PG_BOSS_SCHEMA)}.job j
    join loom_sweep_sessions s on s.session_id = j.data->>'session'
    where j.name = ${SWEEP_QUEUE} and j.state = 'active'
      and j.started_on < now() - ${input.lostAfterSeconds} * interval '1 second'
      and s.state in ('queued', 'retrying', 'lost')
      and (s.heartbeat_at is null or s.heartbeat_at < j.started_on)`;
  for (const u of unclaimed) {
    // Claimed in the meantime (its worker was slow, not gone): the heartbeat moved past the handout.
    const [still] = await sql`update loom_sweep_sessions set state = 'lost', updated_at = now(),
        error = 'a worker took its job and stopped before starting it'
      where session_id = ${u.session_id} and state in ('queued', 'retrying', 'lost')
        and (heartbeat_at is null or heartbeat_at < (select started_on from ${sql(PG_BOSS_SCHEMA)}.job
          where name = ${SWEEP_QUEUE} and id = ${u.job_id}::uuid))
      returning 1`;
    if (!still) continue;
    await handBack(input, u.session_id, u.job_id, "its worker stopped before starting it");
    input.log(
      `${u.session_id}: its job was taken by a worker that stopped before starting it; handed back for a retry`,
    );
    reclaimed.push(u.session_id);
  }
  return reclaimed;
}

/** Fail the session's job in pg-boss, which retries it; out of retries, the row says failed for good. */
async function handBack(input: ReclaimInput, sessionId: string, jobId: string, why: string): Promise<void> {
  await input.boss.fail(SWEEP_QUEUE, jobId, { message: why });
  // Out of retries, pg-boss fails the job for good: say so in the row, or the sweep would wait for it for ever.
  const job = await input.boss.getJobById(SWEEP_QUEUE, jobId);
  if (job?.state === "failed")
    await input.sql`update loom_sweep_sessions set state = 'failed' where session_id = ${sessionId} and state = 'lost'`;
}
