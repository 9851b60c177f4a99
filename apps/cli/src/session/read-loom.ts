// Loads a session for reading (no lock taken), passing any recovery warnings to stderr.
import type { Loom } from "@loom/core";
import { readSession } from "@loom/io";
import type { PostgresSessionStore } from "@loom/store-postgres";
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

/** Run `read` on the store of a session in PostgreSQL (a sweep's, a migrated one), which it may not lock. */
async function withDatabase<T>(
  ref: DatabaseRef,
  read: (store: PostgresSessionStore, id: string) => Promise<T>,
): Promise<T> {
  if (ref.id === null) throw new UsageError(`${ref.shown}: name the session with a #fragment (postgres://…/db#id)`);
  // Loaded only here: the driver is not part of any other command's start-up.
  const { postgresSessionStore } = await import("@loom/store-postgres");
  const store = postgresSessionStore(ref.url, { maxConnections: 1 });
  try {
    return await read(store, ref.id);
  } finally {
    await store.close();
  }
}

/** A session in PostgreSQL, read whole; `dir` is its URL as shown. */
function readFromDatabase(ref: DatabaseRef): Promise<{ dir: string; loom: Loom }> {
  return withDatabase(ref, async (store, id) => ({ dir: ref.shown, loom: (await store.read(id)).loom }));
}

/** The current path of a session in PostgreSQL and its text, by query: the loom is not loaded, however big. */
export function readDatabasePath(ref: DatabaseRef) {
  return withDatabase(ref, async (store, id) => {
    const { sessionId, path, text, segments } = await store.show(id);
    return { dir: ref.shown, sessionId, path, text, segments };
  });
}
