// Where the local engine's model comes from: --model, then LOOM_MODEL, then the cache, then (demo only) the checkout's shared model.
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
 * The model a source checkout's demo may use: `../shared/models/stories260K.gguf` next to the
 * repository root (found by walking up from this file to pnpm-workspace.yaml).
 */
export function checkoutSharedModel(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) {
      const candidate = resolve(dir, "..", "shared", "models", DEFAULT_MODEL_FILE);
      return existsSync(candidate) ? candidate : null;
    }
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

const HINT = "pass --model PATH, set LOOM_MODEL=/path/to/model.gguf, or run `loom model pull` (needs network)";

function mustBeFile(path: string, what: string): string {
  if (!existsSync(path)) throw new FailureError(`${what}: no such file ${path}`, HINT);
  if (!statSync(path).isFile()) throw new FailureError(`${what}: ${path} is not a file`, HINT);
  return path;
}

export function resolveLocalModel(
  options: { flag?: string | undefined; env: NodeJS.ProcessEnv; cwd: string; allowCheckoutModel?: boolean },
): ModelChoice {
  const { flag, env, cwd } = options;
  if (flag) {
    const asPath = resolve(cwd, flag);
    if (existsSync(asPath)) return { path: mustBeFile(asPath, "--model"), source: "--model" };
    // Not a path: maybe the name of a cached model, with or without .gguf.
    const known = cachedModels(env);
    const name = flag.endsWith(".gguf") ? flag : `${flag}.gguf`;
    if (known.includes(name)) return { path: join(modelsDir(env), name), source: "--model" };
    throw new FailureError(
      `--model: unknown model "${flag}" (not a file, not in the cache ${modelsDir(env)})`,
      known.length ? `known models: ${known.map((k) => basename(k, ".gguf")).join(", ")}` : HINT,
    );
  }
  if (env.LOOM_MODEL) return { path: mustBeFile(resolve(cwd, env.LOOM_MODEL), "LOOM_MODEL"), source: "LOOM_MODEL" };
  const cached = cachedModels(env);
  const pick = cached.includes(DEFAULT_MODEL_FILE) ? DEFAULT_MODEL_FILE : cached[0];
  if (pick) return { path: join(modelsDir(env), pick), source: "cache" };
  if (options.allowCheckoutModel) {
    const shared = checkoutSharedModel();
    if (shared) return { path: shared, source: "checkout" };
  }
  throw new FailureError(`no model for the local engine (nothing in --model, LOOM_MODEL or ${modelsDir(env)})`, HINT);
}
