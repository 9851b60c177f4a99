// `loom sweep cancel`: queued sessions never start, running ones stop after their current step (what they chose stays), and the jobs are cancelled in pg-boss.
import { startQueue } from "./job-queue.js";
import { noSuchSweep } from "./sweep-status.js";
import { SWEEP_QUEUE, openSweepDatabase } from "./sweep-tables.js";

/** Cancel sweep `name`; returns how many sessions will not run (the running ones stop at their workers' next heartbeat). */
export async function cancelSweep(url: string, name: string): Promise<{ cancelled: number; running: number }> {
  const sql = await openSweepDatabase(url, 1);
  try {
    const [sweep] =
      await sql`update loom_sweeps set cancelled_at = coalesce(cancelled_at, now()) where name = ${name} returning 1`;
    if (!sweep) throw noSuchSweep(name);
    const waiting = await sql<
      { job_id: string | null }[]
    >`update loom_sweep_sessions set state = 'cancelled', updated_at = now()
      where sweep = ${name} and state in ('queued', 'retrying', 'lost') returning job_id`;
    const [running] = await sql<{ n: number }[]>`select count(*)::int as n from loom_sweep_sessions
      where sweep = ${name} and state = 'running'`;
    // Queued jobs carry no job id in our rows yet: find them by their data in pg-boss's own table.
    const boss = await startQueue(url, { supervise: false });
    try {
      const jobs = await sql<{ id: string }[]>`select id::text from pgboss.job
        where name = ${SWEEP_QUEUE} and state < 'active' and data->>'sweep' = ${name}`;
      if (jobs.length > 0)
        await boss.cancel(
          SWEEP_QUEUE,
          jobs.map((j) => j.id),
        );
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
    return { cancelled: waiting.length, running: running!.n };
  } finally {
    await sql.end({ timeout: 5 });
  }
}
