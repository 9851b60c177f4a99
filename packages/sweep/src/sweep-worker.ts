// `loom worker`: takes sweep jobs from pg-boss and runs each session; heartbeats what it runs, and hands back jobs of workers that are gone.
import { hostname } from "node:os";
import { postgresSessionStore } from "@loom/store-postgres";
import type PgBoss from "pg-boss";
import type { Sql } from "postgres";
import { startQueue, type SweepJob } from "./job-queue.js";
import { SweepPlanSchema } from "./plan-schema.js";
import { runSweepSession, usageTokens } from "./run-sweep-session.js";
import { SharedLimits } from "./shared-limits.js";
import { SweepError } from "./sweep-error.js";
import { SWEEP_QUEUE, openSweepDatabase } from "./sweep-tables.js";
import { reclaimLostSessions } from "./reclaim-lost.js";

export interface WorkerOptions {
  url: string;
  /** Sessions run at once by this process (default 1). */
  concurrency?: number;
  env?: NodeJS.ProcessEnv;
  /** Stops the worker: running sessions are interrupted (what they committed stays) and their jobs retried. */
  signal?: AbortSignal;
  /** Return once no session of any sweep is queued or running (default: run until `signal`). */
  exitWhenIdle?: boolean;
  /** A running session whose worker has not been heard of for this long is handed back (default 30 s). */
  lostAfterSeconds?: number;
  /** Told what happens (a session started, ended, failed, reclaimed). */
  log?: (line: string) => void;
}

export interface WorkerSummary {
  done: number;
  failed: number;
}

const ACTIVE = ["queued", "running", "retrying", "lost"];

/** Until `signal` aborts (or the sweep runs dry with exitWhenIdle), run jobs `concurrency` at a time. */
export async function runWorker(options: WorkerOptions): Promise<WorkerSummary> {
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
    throw new SweepError("bad_option", `--concurrency: ${concurrency} is not a number of sessions from 1 to 64`);
  const env = options.env ?? process.env;
  const log = options.log ?? (() => {});
  const lostAfter = options.lostAfterSeconds ?? 30;
  const me = `${hostname()}:${process.pid}`;
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const sql = await openSweepDatabase(options.url, 2);
  const store = postgresSessionStore(options.url);
  const running = new Map<string, AbortController>();
  const summary: WorkerSummary = { done: 0, failed: 0 };
  let boss: PgBoss | null = null;
  const timers: NodeJS.Timeout[] = [];
  try {
    const checkIdle = async () => {
      const [row] = await sql<
        { n: number }[]
      >`select count(*)::int as n from loom_sweep_sessions where state = any(${ACTIVE})`;
      if (row!.n === 0 && running.size === 0) stop.abort();
    };
    boss = await startQueue(options.url, { supervise: true, max: 2 + concurrency });
    const handle = async (jobs: PgBoss.JobWithMetadata<SweepJob>[]) => {
      await Promise.all(jobs.map((job) => runJob(job, { sql, store, env, me, running, log, summary })));
      // The last session done: stop now rather than at the next tick (a sweep's workers all wait for that tick).
      if (options.exitWhenIdle && running.size === 0) await checkIdle().catch(() => {});
    };
    for (let i = 0; i < concurrency; i++)
      await boss.work<SweepJob>(
        SWEEP_QUEUE,
        { batchSize: 1, pollingIntervalSeconds: 0.5, includeMetadata: true },
        handle,
      );
    log(`worker ${me}: running up to ${concurrency} session(s) at a time`);
    const beat = async () => {
      if (running.size > 0)
        await sql`update loom_sweep_sessions set heartbeat_at = now() where session_id = any(${[...running.keys()]}) and worker = ${me}`;
      for (const [id, controller] of running) {
        const [row] = await sql<{ cancelled: boolean }[]>`select w.cancelled_at is not null as cancelled
          from loom_sweep_sessions s join loom_sweeps w on w.name = s.sweep where s.session_id = ${id}`;
        if (row?.cancelled) controller.abort(new SweepError("no_such_sweep", "the sweep was cancelled"));
      }
    };
    const tick = (fn: () => Promise<unknown>, ms: number) =>
      timers.push(setInterval(() => void fn().catch((e: Error) => log(`worker ${me}: ${e.message}`)), ms));
    tick(beat, Math.max(200, (lostAfter * 1000) / 4));
    tick(
      () => reclaimLostSessions({ sql, store, boss: boss!, lostAfterSeconds: lostAfter, log }),
      Math.max(500, (lostAfter * 1000) / 2),
    );
    await new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      signal.addEventListener("abort", () => resolve(), { once: true });
      if (options.exitWhenIdle) tick(checkIdle, 500);
    });
    return summary;
  } finally {
    for (const t of timers) clearInterval(t);
    for (const controller of running.values()) controller.abort(new Error("the worker is stopping"));
    await boss?.stop({ graceful: true, wait: true, timeout: 10_000 }).catch(() => {});
    await store.close();
    await sql.end({ timeout: 5 });
  }
}

interface JobContext {
  sql: Sql;
  store: ReturnType<typeof postgresSessionStore>;
  env: NodeJS.ProcessEnv;
  me: string;
  running: Map<string, AbortController>;
  log: (line: string) => void;
  summary: WorkerSummary;
}

/** Run one job's session; a thrown error fails the job, which pg-boss retries until the plan's retries are spent. */
async function runJob(job: PgBoss.JobWithMetadata<SweepJob>, ctx: JobContext): Promise<void> {
  const { sql, me } = ctx;
  const id = job.data.session;
  const [claimed] = await sql<{ plan: unknown; cancelled: boolean }[]>`
    update loom_sweep_sessions s set state = 'running', attempts = attempts + 1, worker = ${me}, job_id = ${job.id},
      heartbeat_at = now(), updated_at = now()
    from loom_sweeps w
    where s.session_id = ${id} and w.name = s.sweep and s.state <> 'done' and s.state <> 'cancelled'
    returning w.plan, w.cancelled_at is not null as cancelled`;
  if (!claimed) return; // already done or cancelled: nothing to run
  if (claimed.cancelled) {
    await sql`update loom_sweep_sessions set state = 'cancelled', updated_at = now() where session_id = ${id}`;
    return;
  }
  const plan = SweepPlanSchema.parse(claimed.plan);
  const controller = new AbortController();
  ctx.running.set(id, controller);
  ctx.log(`${id}: started (attempt ${job.retryCount + 1})`);
  try {
    const outcome = await runSweepSession({
      store: ctx.store,
      sessionId: id,
      plan,
      limits: new SharedLimits(sql, plan.limits),
      env: ctx.env,
      signal: controller.signal,
      onDecision: (decisions, usage) =>
        void sql`update loom_sweep_sessions set decisions = ${decisions}, tokens = ${usageTokens(usage)},
          cost_usd = ${usage.costUsd}, updated_at = now() where session_id = ${id} and worker = ${me}`.catch(() => {}),
    });
    const cancelled =
      outcome.reason === "aborted" &&
      controller.signal.reason instanceof Error &&
      SweepError.isInstance(controller.signal.reason);
    if (outcome.reason === "aborted" && !cancelled) throw new Error("interrupted: the worker is stopping");
    await sql`update loom_sweep_sessions set state = ${cancelled ? "cancelled" : "done"}, stop_reason = ${outcome.reason},
      decisions = ${outcome.decisions}, tokens = ${usageTokens(outcome.usage)}, cost_usd = ${outcome.usage.costUsd},
      updated_at = now() where session_id = ${id}`;
    ctx.summary.done++;
    ctx.log(`${id}: ${cancelled ? "cancelled" : "done"} (${outcome.reason}, ${outcome.decisions} decisions)`);
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    const last = job.retryCount >= job.retryLimit;
    await sql`update loom_sweep_sessions set state = ${last ? "failed" : "retrying"}, error = ${message}, updated_at = now()
      where session_id = ${id} and worker = ${me}`;
    if (last) ctx.summary.failed++;
    ctx.log(`${id}: failed (attempt ${job.retryCount + 1} of ${job.retryLimit + 1}): ${message}`);
    throw error;
  } finally {
    ctx.running.delete(id);
  }
}
