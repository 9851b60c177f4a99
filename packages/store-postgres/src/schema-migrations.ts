// The database schema, applied on first use from the SQL files shipped in the package's migrations/ folder.
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { IoError } from "@loom/io";
import type { Sql, TransactionSql } from "postgres";
import { backfillPathChunks } from "./backfill-path-chunks.js";
import { backfillPathRows } from "./backfill-path-rows.js";

/** Held while migrating, so two processes starting on a fresh database apply each file once. */
const MIGRATION_LOCK = 0x6c6f6f6d; // "loom"

/** Steps a version needs beyond its SQL file (data SQL cannot move), run right after it. */
const DATA_STEPS: Record<number, (tx: TransactionSql, where: string) => Promise<void>> = {
  2: backfillPathRows,
  3: backfillPathChunks,
};

const migrationsDir = (): string => fileURLToPath(new URL("../migrations/", import.meta.url));

interface Migration {
  version: number;
  name: string;
  file: string;
}

async function shippedMigrations(): Promise<Migration[]> {
  const dir = migrationsDir();
  const names = (await readdir(dir)).filter((n) => /^\d+_[\w-]+\.sql$/.test(n)).sort();
  return names.map((name) => ({ version: Number.parseInt(name, 10), name, file: `${dir}${name}` }));
}

/** The newest version the database records, or null when it has no record (a fresh database). */
async function recordedVersion(sql: Sql): Promise<number | null> {
  try {
    const [row] = await sql<{ version: number | null }[]>`select max(version) as version from loom_schema_migrations`;
    return row?.version ?? null;
  } catch (error) {
    if ((error as { code?: string }).code === "42P01") return null; // undefined_table
    throw error;
  }
}

/** Apply the shipped migrations the database lacks, in one transaction; returns the versions applied. */
export async function migrateSchema(sql: Sql, where: string): Promise<number[]> {
  const migrations = await shippedMigrations();
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  // A database already at this version (every start but the first) is told by one read: no transaction, no lock
  // and no DDL, which a fresh `loom show` would otherwise pay in round trips before its queries. Anything else,
  // a newer version included, goes through the locked path below.
  if ((await recordedVersion(sql)) === latest) return [];
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK})`;
    await tx`create table if not exists loom_schema_migrations (
      version integer primary key, name text not null, applied_at timestamptz not null default now())`;
    const rows = await tx<{ version: number }[]>`select version from loom_schema_migrations`;
    const done = new Set(rows.map((r) => r.version));
    const newest = Math.max(0, ...done);
    if (newest > latest) {
      throw new IoError(
        "unsupported_version",
        `the database's Loom schema is at version ${newest}, newer than this Loom knows (${latest}); upgrade Loom`,
        { file: where },
      );
    }
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await tx.unsafe(await readFile(m.file, "utf8"));
      await DATA_STEPS[m.version]?.(tx, where);
      await tx`insert into loom_schema_migrations (version, name) values (${m.version}, ${m.name})`;
      applied.push(m.version);
    }
    return applied;
  });
}
