// Where the local engine's model comes from — one lookup for every command: --model, LOOM_MODEL, the cache, a source checkout's shared models.
import { existsSync, readdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { FailureError } from "../cli/exit-error.js";

/** The file `loom model pull` downloads and the cache lookup prefers. */
export const DEFAULT_MODEL_FILE = "stories260K.gguf";

export function cacheDir(env: NodeJS.ProcessEnv): string {
  if (env.LOOM_CACHE_DIR) return resolve(env.LOOM_CACHE_DIR);
  const base = env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), ".cache");
  return join(base, "loom");
}

export function modelsDir(env: NodeJS.ProcessEnv): string {
  return join(cacheDir(env), "models");
}

/** GGUF files in the cache, by file name. */
export function cachedModels(env: NodeJS.ProcessEnv): string[] {
  const dir = modelsDir(env);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".gguf"))
    .sort();
}

/**
 * The shared models of a source checkout: `../shared/models` beside the repository root (found by
 * walking up from this file to pnpm-workspace.yaml), or LOOM_SHARED_MODELS_DIR. Null when loom is
 * not running from a checkout.
 */
export function sharedModelsDir(env: NodeJS.ProcessEnv): string | null {
  if (env.LOOM_SHARED_MODELS_DIR) return resolve(env.LOOM_SHARED_MODELS_DIR);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return resolve(dir, "..", "shared", "models");
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}

export interface ModelChoice {
  path: string;
  /** Which rule picked it, for `loom model path` and error messages. */
  source: "--model" | "LOOM_MODEL" | "cache" | "checkout";
}

export interface ModelLookup {
  choice: ModelChoice | null;
  /** Every place looked at, in order, with what was there: the hint when nothing was found. */
  looked: string[];
}

const HINT = "pass --model PATH, set LOOM_MODEL=/path/to/model.gguf, or run `loom model pull` (downloads ~1 MB)";

function mustBeFile(path: string, what: string): string {
  if (!existsSync(path)) throw new FailureError(`${what}: no such file ${path}`, HINT);
  if (!statSync(path).isFile()) throw new FailureError(`${what}: ${path} is not a file`, HINT);
  return path;
}

/** The model the local engine would use, and where it looked; a --model or LOOM_MODEL that names nothing is an error at once. */
export function lookupLocalModel(options: {
  flag?: string | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
}): ModelLookup {
  const { flag, env, cwd } = options;
  if (flag) {
    const asPath = resolve(cwd, flag);
    if (existsSync(asPath)) return { choice: { path: mustBeFile(asPath, "--model"), source: "--model" }, looked: [] };
    // Not a path: maybe the name of a cached model, with or without .gguf.
    const known = cachedModels(env);
    const name = flag.endsWith(".gguf") ? flag : `${flag}.gguf`;
    if (known.includes(name)) return { choice: { path: join(modelsDir(env), name), source: "--model" }, looked: [] };
    throw new FailureError(
      `--model: unknown model "${flag}" (not a file, not in the cache ${modelsDir(env)})`,
      known.length ? `known models: ${known.map((k) => basename(k, ".gguf")).join(", ")}` : HINT,
    );
  }
  const looked = ["--model (not given)"];
  if (env.LOOM_MODEL)
    return { choice: { path: mustBeFile(resolve(cwd, env.LOOM_MODEL), "LOOM_MODEL"), source: "LOOM_MODEL" }, looked };
  looked.push("LOOM_MODEL (not set)");
  const cached = cachedModels(env);
  const pick = cached.includes(DEFAULT_MODEL_FILE) ? DEFAULT_MODEL_FILE : cached[0];
  if (pick) return { choice: { path: join(modelsDir(env), pick), source: "cache" }, looked };
  looked.push(`the cache ${modelsDir(env)} (no .gguf file)`);
  const shared = sharedModelsDir(env);
  if (shared !== null) {
    const candidate = join(shared, DEFAULT_MODEL_FILE);
    if (existsSync(candidate)) return { choice: { path: candidate, source: "checkout" }, looked };
    looked.push(`the checkout's ${candidate} (missing)`);
  }
  return { choice: null, looked };
}

export function resolveLocalModel(options: {
  flag?: string | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
}): ModelChoice {
  const { choice, looked } = lookupLocalModel(options);
  if (choice) return choice;
  throw new FailureError(`no model for the local engine; looked in: ${looked.join("; ")}`, HINT);
}
