// `loom sweep plan.toml`: the plan's grid written as sessions in the PostgreSQL store, rows to follow them by, and one pg-boss job each.
import { IoError } from "@loom/io";
import { postgresSessionStore } from "@loom/store-postgres";
import { expandGrid, loomOf } from "./expand-grid.js";
import type { LoadedPlan } from "./load-plan.js";
import { startQueue, type SweepJob } from "./job-queue.js";
import { SweepError } from "./sweep-error.js";
import { SWEEP_QUEUE, openSweepDatabase } from "./sweep-tables.js";

export interface SubmittedSweep {
  name: string;
  sessions: number;
  cells: number;
}

/** A job that stays active this long is left to our own liveness check (a worker's heartbeat), not pg-boss's expiry. */
const JOB_EXPIRE_SECONDS = 4 * 3600;

export async function submitSweep(
  url: string,
  loaded: LoadedPlan,
  onProgress?: (made: number, total: number) => void,
): Promise<SubmittedSweep> {
  const { plan } = loaded;
  const specs = expandGrid(loaded);
  const sql = await openSweepDatabase(url, 2);
  const store = postgresSessionStore(url);
  const exists = () =>
    new SweepError(
      "sweep_exists",
      `${loaded.file}: field name: a sweep "${plan.name}" already exists in this database; rename the plan's sweep, or see it with \`loom sweep status ${plan.name}\``,
    );
  try {
    const [found] = await sql`select 1 from loom_sweeps where name = ${plan.name}`;
    if (found) throw exists();
    // Sessions first, each in its own transaction (the store's); one left by an earlier attempt that stopped
    // half-way is kept as it is. The sweep itself appears only in the last step, whole or not at all.
    for (const [i, spec] of specs.entries()) {
      try {
        const session = await store.create(spec.id, { ...loomOf(loaded, spec), sessionId: spec.id });
        await session.close();
      } catch (error) {
        if (!(IoError.isInstance(error) && error.code === "session_exists")) throw error;
      }
      onProgress?.(i + 1, specs.length);
    }
    const boss = await startQueue(url, { supervise: false });
    try {
      await sql.begin(async (tx) => {
        const made = await tx`insert into loom_sweeps (name, plan, total)
          values (${plan.name}, ${JSON.stringify(plan)}::text::json, ${specs.length}) on conflict (name) do nothing returning 1`;
        if (made.length === 0) throw exists();
        await tx`insert into loom_sweep_sessions (session_id, sweep, cell)
          select t.id, ${plan.name}, t.cell
          from unnest(${specs.map((s) => s.id)}::text[], ${specs.map((s) => s.cell)}::text[]) as t(id, cell)`;
        // The jobs in the same transaction (pg-boss takes a connection to run its SQL on): rows without jobs,
        // or jobs without rows, never exist.
        const db = {
          // Used for insert only: pg-boss hands the jobs over as JSON text for a json parameter, which postgres.js
          // serialises itself (so it gets the parsed value), and its unset defaults as undefined (NULL to SQL).
          executeSql: async (text: string, [jobs, ...rest]: unknown[]) => ({
            rows: await tx.unsafe(text, [
              typeof jobs === "string" ? JSON.parse(jobs) : jobs,
              ...rest.map((v) => v ?? null),
            ] as never[]),
          }),
        };
        await boss.insert(
          specs.map((s) => ({
            name: SWEEP_QUEUE,
            data: { sweep: plan.name, session: s.id } satisfies SweepJob,
            retryLimit: plan.retries,
            retryDelay: 1,
            expireInSeconds: JOB_EXPIRE_SECONDS,
          })),
          { db },
        );
      });
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
    return { name: plan.name, sessions: specs.length, cells: new Set(specs.map((s) => s.cell)).size };
  } finally {
    await store.close();
    await sql.end({ timeout: 5 });
  }
}
