// Test helpers: make sure the built binary is current, then run it as a user would (a child process).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const CLI_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const REPO = resolve(CLI_DIR, "../..");
export const BIN = join(CLI_DIR, "dist", "bin.js");
export const MODEL = resolve(REPO, "../shared/models/stories260K.gguf");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** The workspace packages the CLI imports (their dist must exist for the binary to run). */
function workspaceDeps(): string[] {
  const pkg = JSON.parse(readFileSync(join(CLI_DIR, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  return Object.keys(pkg.dependencies ?? {})
    .filter((d) => d.startsWith("@loom/"))
    .map((d) => d.slice("@loom/".length));
}

/**
 * Builds the CLI (and, if missing, the packages it imports) unless dist is newer than src.
 * CI builds before testing, so there this is a no-op; locally it saves a forgotten `pnpm build`.
 * Test files run in parallel processes: a lock directory keeps two builds from racing.
 */
export function ensureBuilt(): void {
  const stale = () =>
    !existsSync(BIN) ||
    statSync(BIN).mtimeMs < newestMtime(join(CLI_DIR, "src")) ||
    workspaceDeps().some((d) => {
      // A package whose sources changed since its build, or since the CLI's (whose bundle holds them).
      const pkg = join(CLI_DIR, "node_modules", "@loom", d);
      const dist = join(pkg, "dist", "index.js");
      if (!existsSync(dist)) return true;
      const src = newestMtime(join(pkg, "src"));
      return statSync(dist).mtimeMs < src || statSync(BIN).mtimeMs < src;
    });
  if (!stale()) return;
  const lock = join(tmpdir(), "loom-cli-test-build.lock");
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) rmSync(lock, { recursive: true, force: true });
      spawnSync("sleep", ["0.5"]);
    }
  }
  try {
    if (!stale()) return;
    const r = spawnSync(
      "pnpm",
      ["exec", "turbo", "run", "build", "--filter=@loom/cli...", "--output-logs=errors-only"],
      {
        cwd: REPO,
        encoding: "utf8",
      },
    );
    if (r.status !== 0) throw new Error(`building the CLI failed:\n${r.stdout}\n${r.stderr}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * `loom new` arguments for the small local-engine session most CLI tests start from: the seed "Once upon a time",
 * 4-token segments, `branching` candidates a step and a fixed sampling seed; `extra` flags are appended.
 */
export function newSessionArgs(
  session: string,
  { branching = 3, sampleSeed = 7 }: { branching?: number; sampleSeed?: number } = {},
  ...extra: string[]
): string[] {
  return [
    "new",
    "--seed",
    "Once upon a time",
    "--dir",
    session,
    "--branching",
    String(branching),
    "--segment-tokens",
    "4",
    "--sample-seed",
    String(sampleSeed),
    ...extra,
  ];
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  input?: string;
  timeoutMs?: number;
  /** Run in a new session (setsid): no controlling terminal, so /dev/tty cannot be opened. */
  detached?: boolean;
  /** Gets the child process, e.g. to send it a signal. */
  onSpawn?: (child: import("node:child_process").ChildProcess) => void;
}

/** A scratch directory for one test, with its own cache and sessions roots. */
export function scratch(prefix = "loom-cli-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function baseEnv(dir: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !/API_KEY$/.test(k) && !k.startsWith("LOOM_")) env[k] = v;
  return { ...env, NO_COLOR: "1", LOOM_CACHE_DIR: join(dir, "cache"), LOOM_SESSIONS_DIR: join(dir, "sessions") };
}

/** Runs `loom …` and collects its output (async, so a slow command does not block the test worker). */
export function loom(args: string[], options: RunOptions & { dir: string }): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const env = { ...baseEnv(options.dir), ...options.env };
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? options.dir,
      env: env as NodeJS.ProcessEnv,
      detached: options.detached ?? false,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`loom ${args.join(" ")} timed out\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 60_000);
    options.onSpawn?.(child);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}

/**
 * A sweep plan of one brief ("Once upon a time"), OpenAI's davinci-002 at `baseUrl` (2-token segments, top-2
 * logprobs) and the automatic selector, over `seeds` and `repeats`; `more` is appended (limits, prices).
 */
export function sweepPlan(options: {
  name: string;
  baseUrl: string;
  seeds: number[];
  repeats?: number;
  maxSteps: number;
  branchingFactor: number;
  more?: string;
}): string {
  return `name = "${options.name}"
seeds = [${options.seeds.join(", ")}]
${options.repeats === undefined ? "" : `repeats = ${options.repeats}\n`}maxSteps = ${options.maxSteps}

[briefs.fox]
seed = "Once upon a time"

[generators.davinci]
provider = "openai"
model = "davinci-002"
baseUrl = "${options.baseUrl}"
segmentTokens = 2
branchingFactor = ${options.branchingFactor}
logprobs = 2

[selectors.favourite]
mode = "auto"
${options.more ?? ""}`;
}
