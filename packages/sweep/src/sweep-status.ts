// What `loom sweep status` shows: counts by state and by cell, the failures with their errors, decisions, tokens and cost so far.
import { SweepError } from "./sweep-error.js";
import { openSweepDatabase } from "./sweep-tables.js";

export type SessionState = "queued" | "running" | "retrying" | "lost" | "done" | "failed" | "cancelled";

export interface CellCounts {
  cell: string;
  total: number;
  counts: Partial<Record<SessionState, number>>;
}

export interface SweepStatus {
  name: string;
  total: number;
  cancelled: boolean;
  counts: Partial<Record<SessionState, number>>;
  cells: CellCounts[];
  failures: { session: string; state: SessionState; attempts: number; error: string }[];
  decisions: number;
  tokens: number;
  /** US$ over the sessions whose models have prices; null when none has. */
  costUsd: number | null;
}

/** The status of sweep `name`, or of every sweep in the database when `name` is undefined. */
export async function sweepStatus(url: string, name?: string): Promise<SweepStatus[]> {
  const sql = await openSweepDatabase(url, 1);
  try {
    const sweeps = await sql<{ name: string; total: number; cancelled: boolean }[]>`
      select name, total, cancelled_at is not null as cancelled from loom_sweeps
      ${name === undefined ? sql`` : sql`where name = ${name}`} order by created_at`;
    if (name !== undefined && sweeps.length === 0) throw noSuchSweep(name);
    const out: SweepStatus[] = [];
    for (const sweep of sweeps) {
      const rows = await sql<
        { cell: string; state: SessionState; n: number; decisions: number; tokens: number; cost: number | null }[]
      >`
        select cell, state, count(*)::int as n, sum(decisions)::int as decisions, sum(tokens)::float8 as tokens,
          sum(cost_usd)::float8 as cost
        from loom_sweep_sessions where sweep = ${sweep.name} group by cell, state order by cell, state`;
      const failures = await sql<{ session: string; state: SessionState; attempts: number; error: string }[]>`
        select session_id as session, state, attempts, error from loom_sweep_sessions
        where sweep = ${sweep.name} and error is not null order by session_id`;
      const cells = new Map<string, CellCounts>();
      const counts: Partial<Record<SessionState, number>> = {};
      let decisions = 0;
      let tokens = 0;
      let cost: number | null = null;
      for (const r of rows) {
        const cell = cells.get(r.cell) ?? { cell: r.cell, total: 0, counts: {} };
        cell.total += r.n;
        cell.counts[r.state] = (cell.counts[r.state] ?? 0) + r.n;
        cells.set(r.cell, cell);
        counts[r.state] = (counts[r.state] ?? 0) + r.n;
        decisions += r.decisions;
        tokens += r.tokens;
        if (r.cost !== null) cost = (cost ?? 0) + r.cost;
      }
      out.push({ ...sweep, counts, cells: [...cells.values()], failures, decisions, tokens, costUsd: cost });
    }
    return out;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export const noSuchSweep = (name: string) =>
  new SweepError("no_such_sweep", `no sweep "${name}" in this database`, {
    hint: "list the sweeps with `loom sweep status --store URL`",
  });
