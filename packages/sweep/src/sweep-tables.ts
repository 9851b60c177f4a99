// The sweep's own tables beside the session store's: sweeps, their sessions' progress, and the shared rate-limit windows.
import { connectionFields, postgresClient, withoutPassword } from "@loom/store-postgres";
import type { Sql } from "postgres";
import { SweepError } from "./sweep-error.js";

/** Held while creating the tables, so workers starting together on a fresh database do not race. */
const SWEEP_SCHEMA_LOCK = 0x6c6f6f73; // "loos"

/** pg-boss's queue every sweep's jobs go to (a job names its sweep and session). */
export const SWEEP_QUEUE = "loom-sweep";

const SCHEMA = `
create table if not exists loom_sweeps (
  name text primary key,
  plan json not null,
  total integer not null,
  created_at timestamptz not null default now(),
  cancelled_at timestamptz
);
create table if not exists loom_sweep_sessions (
  session_id text primary key,
  sweep text not null references loom_sweeps(name) on delete cascade,
  cell text not null,
  state text not null default 'queued',
  job_id text,
  attempts integer not null default 0,
  worker text,
  heartbeat_at timestamptz,
  decisions integer not null default 0,
  tokens bigint not null default 0,
  cost_usd double precision,
  stop_reason text,
  error text,
  updated_at timestamptz not null default now()
);
create index if not exists loom_sweep_sessions_sweep on loom_sweep_sessions (sweep, state);
create table if not exists loom_rate_usage (
  provider text not null,
  window_start timestamptz not null,
  requests integer not null,
  tokens bigint not null,
  primary key (provider, window_start)
);
create table if not exists loom_rate_blocks (
  provider text primary key,
  until timestamptz not null
);
`;

/** Create the sweep tables if they are missing (idempotent; safe from many processes at once). */
export async function ensureSweepTables(sql: Sql): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${SWEEP_SCHEMA_LOCK})`;
    await tx.unsafe(SCHEMA);
  });
}

/** The URL without its password, for messages. */
export function shownUrl(url: string): string {
  return withoutPassword(url) ?? "(not a URL)";
}

/** A client of the sweep's database with the sweep tables in place; an unreachable database is one plain error naming it. */
export async function openSweepDatabase(url: string, max: number): Promise<Sql> {
  let sql: Sql;
  try {
    // The job queue's fields too: a URL it cannot take (a list of hosts) is refused here, before any work.
    connectionFields(url);
    sql = postgresClient(url, { max, onnotice: () => {} });
  } catch (error) {
    // The URL itself is wrong (a socket host that is not a directory, a TLS file that cannot be read).
    throw new SweepError("store", `cannot use PostgreSQL at ${shownUrl(url)}: ${(error as Error).message}`, {
      cause: error,
      hint: "check --store (or LOOM_STORE)",
    });
  }
  try {
    await ensureSweepTables(sql);
    return sql;
  } catch (error) {
    await sql.end({ timeout: 1 }).catch(() => {});
    throw new SweepError("store", `cannot use PostgreSQL at ${shownUrl(url)}: ${(error as Error).message}`, {
      cause: error,
      hint: "check --store (or LOOM_STORE): the host, the port, the database and the user",
    });
  }
}
