// Loads a session for reading (no lock taken), passing any recovery warnings to stderr.
import type { Loom } from "@loom/core";
import { readSession } from "@loom/io";
import type { Output } from "../cli/output.js";
import { resolveSessionDir } from "./session-dir.js";

export interface ReadLoomContext {
  positionals: Record<string, string | undefined>;
  env: NodeJS.ProcessEnv;
  cwd: string;
  out: Output;
}

export async function readLoom(ctx: ReadLoomContext): Promise<{ dir: string; loom: Loom }> {
  const dir = resolveSessionDir(ctx.positionals.session, ctx.env, ctx.cwd);
  const { loom, warnings } = await readSession(dir);
  for (const w of warnings) ctx.out.warn(w);
  return { dir, loom };
}
