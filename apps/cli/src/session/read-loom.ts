// Loads a session for reading (no lock taken), passing any recovery warnings to stderr.
import type { Loom } from "@loom/core";
import { readSession } from "@loom/io";
import type { Output } from "../cli/output.js";
import { UsageError } from "../cli/exit-error.js";
import { databaseRef, type DatabaseRef } from "./database-ref.js";
import { resolveSessionDir } from "./session-dir.js";

export interface ReadLoomContext {
  positionals: Record<string, string | undefined>;
  env: NodeJS.ProcessEnv;
  cwd: string;
  out: Output;
}

export async function readLoom(ctx: ReadLoomContext): Promise<{ dir: string; loom: Loom }> {
  const ref = ctx.positionals.session === undefined ? null : databaseRef(ctx.positionals.session);
  if (ref) return readFromDatabase(ref);
  const dir = resolveSessionDir(ctx.positionals.session, ctx.env, ctx.cwd);
  const { loom, warnings } = await readSession(dir);
  for (const w of warnings) ctx.out.warn(w);
  return { dir, loom };
}

/** A session in PostgreSQL (a sweep's, a migrated one): read without locking it; `dir` is its URL as shown. */
async function readFromDatabase(ref: DatabaseRef): Promise<{ dir: string; loom: Loom }> {
  if (ref.id === null) throw new UsageError(`${ref.shown}: name the session with a #fragment (postgres://…/db#id)`);
  // Loaded only here: the driver is not part of any other command's start-up.
  const { postgresSessionStore } = await import("@loom/store-postgres");
  const store = postgresSessionStore(ref.url, { maxConnections: 1 });
  try {
    return { dir: ref.shown, loom: (await store.read(ref.id)).loom };
  } finally {
    await store.close();
  }
}
