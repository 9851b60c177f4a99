// Finds the session a command means: the argument, else $LOOM_SESSION, else the current directory, else the newest saved session.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { FailureError } from "../cli/exit-error.js";

/** Where new sessions go when `loom new` gets no --dir. */
export function sessionsRoot(env: NodeJS.ProcessEnv, cwd: string): string {
  return resolve(cwd, env.LOOM_SESSIONS_DIR || ".loom-sessions");
}

export function looksLikeSession(dir: string): boolean {
  return existsSync(join(dir, "loom.json")) || existsSync(join(dir, "journal.ndjson"));
}

function newestSession(root: string): string | null {
  if (!existsSync(root)) return null;
  let best: { dir: string; mtime: number } | null = null;
  for (const name of readdirSync(root)) {
    const dir = join(root, name);
    if (!looksLikeSession(dir)) continue;
    const journal = join(dir, "journal.ndjson");
    const mtime = statSync(existsSync(journal) ? journal : join(dir, "loom.json")).mtimeMs;
    if (!best || mtime > best.mtime) best = { dir, mtime };
  }
  return best?.dir ?? null;
}

export function resolveSessionDir(arg: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string {
  const given = arg ?? env.LOOM_SESSION;
  if (given) {
    const dir = resolve(cwd, given);
    if (!existsSync(dir))
      throw new FailureError(
        `session directory not found: ${dir}`,
        "create one with `loom new --dir DIR`, or check the path",
      );
    if (!statSync(dir).isDirectory()) {
      throw new FailureError(`not a session directory: ${dir} is a file`, "pass the directory that holds loom.json");
    }
    if (!looksLikeSession(dir)) {
      throw new FailureError(
        `not a loom session: ${dir} has no loom.json or journal.ndjson`,
        "create one with `loom new --dir DIR`, or import one with `loom import PATH`",
      );
    }
    return dir;
  }
  if (looksLikeSession(cwd)) return cwd;
  const newest = newestSession(sessionsRoot(env, cwd));
  if (newest) return newest;
  throw new FailureError(
    "no session given and none found here",
    "pass a session directory (e.g. `loom show .loom-sessions/<id>`), set LOOM_SESSION, or start one with `loom new`",
  );
}
