// Sweep throughput: sessions per minute of a 200-session sweep on 1 worker process, then on 4, in the same run, each
// generator request answered by OpenAI's SDK through the strict replay server after 300 ms (as a remote provider would).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { OPENAI_COMPLETIONS_RULES, openaiCompletionReply, startStrictReplayServer } from "@loom/testkit";
import { testDatabase } from "../packages/store-postgres/src/test-support/test-database.js";
import { nowMs, writeResults } from "./report.js";

const SESSIONS = Number(process.env.SWEEP_BENCH_SESSIONS ?? 200);
const STEPS = 2;
const LATENCY_MS = 300;
const BIN = resolve(fileURLToPath(new URL("../apps/cli/dist/bin.js", import.meta.url)));

/**
 * `loom …` as a child process; resolves with its CPU time (user + system, from /usr/bin/time), rejects with its
 * stderr on failure. `onReady` is called when a worker says it is taking jobs.
 */
function loom(args: string[], env: NodeJS.ProcessEnv, onReady?: () => void): Promise<{ cpuMs: number }> {
  return new Promise((done, fail) => {
    const child = spawn("/usr/bin/time", ["-f", "%U %S", process.execPath, BIN, ...args], { env });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (/running up to/.test(stderr)) onReady?.();
    });
    child.on("close", (code) => {
      if (code !== 0) return fail(new Error(`loom ${args.join(" ")} exited ${code}:\n${stderr}`));
      const [user, sys] = stderr.trim().split("\n").pop()!.split(" ").map(Number);
      done({ cpuMs: (user! + sys!) * 1000 });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), "loom-sweep-bench-"));
const server = await startStrictReplayServer(OPENAI_COMPLETIONS_RULES);
let served = 0;
server.setFallback((request) => ({ ...openaiCompletionReply(request, ++served), delayMs: LATENCY_MS }));

/**
 * Submit a sweep named `name`, run it to the end on `workers` processes; sessions per minute, the workers' CPU, and
 * how long after the first worker the last one was taking jobs (start-up under load, inside the clock).
 */
async function throughput(
  url: string,
  name: string,
  workers: number,
): Promise<{ perMinute: number; perMinuteFromSpawn: number; cpuMs: number; readySpreadMs: number }> {
  const env = { ...process.env, LOOM_CUSTOM_API_KEY: "sk-bench", NO_COLOR: "1" };
  const plan = join(dir, `${name}.toml`);
  writeFileSync(
    plan,
    [
      `name = "${name}"`,
      `seeds = [${Array.from({ length: SESSIONS }, (_, i) => i).join(", ")}]`,
      `maxSteps = ${STEPS}`,
      `[briefs.b]\nseed = "Once upon a time"`,
      `[generators.g]\nprovider = "openai"\nmodel = "davinci-002"\nbaseUrl = "${server.url}"\nsegmentTokens = 2\nbranchingFactor = 4\nlogprobs = 2`,
      `[selectors.auto]\nmode = "auto"`,
    ].join("\n"),
  );
  await loom(["sweep", plan, "--store", url], env);
  const spawned = nowMs();
  const ready: number[] = [];
  const runs = await Promise.all(
    Array.from({ length: workers }, () => {
      let seen = false;
      const onReady = () => {
        if (!seen) ready.push(nowMs());
        seen = true;
      };
      return loom(["worker", "--store", url, "--concurrency", "1", "--exit-when-idle"], env, onReady);
    }),
  );
  const end = nowMs();
  // The clock starts when the first worker takes jobs (until then nothing runs: start-up is per worker, not per
  // session); from the spawn is reported beside it.
  const first = Math.min(...ready);
  return {
    perMinute: SESSIONS / ((end - first) / 60_000),
    perMinuteFromSpawn: SESSIONS / ((end - spawned) / 60_000),
    cpuMs: runs.reduce((s, r) => s + r.cpuMs, 0),
    readySpreadMs: Math.max(...ready) - first,
  };
}

// A database each: the idle check of `--exit-when-idle` looks at every sweep in its database.
const one = await testDatabase();
const four = await testDatabase();
try {
  const single = await throughput(one.url, "one", 1);
  const many = await throughput(four.url, "four", 4);
  const ratio = many.perMinute / single.perMinute;
  writeResults(
    "scale",
    [
      {
        metric: "sweep-throughput",
        value: many.perMinute,
        unit: "sessions/min",
        params: {
          sessions: SESSIONS,
          steps: STEPS,
          latencyMs: LATENCY_MS,
          workers: "4 processes (baseline: 1), concurrency 1 each",
          workerCpuMs: { one: Math.round(single.cpuMs), four: Math.round(many.cpuMs) },
          // The four's start-up under load: the last takes jobs this long after the first (inside the clock).
          readySpreadMs: Math.round(many.readySpreadMs),
          fromSpawn: {
            one: single.perMinuteFromSpawn,
            four: many.perMinuteFromSpawn,
            ratio: many.perMinuteFromSpawn / single.perMinuteFromSpawn,
          },
          clock: "wall, from the first worker taking jobs to the last worker's exit",
        },
        baseline: single.perMinute,
        ratio,
        target: "ratio >= 3",
        pass: ratio >= 3,
      },
    ],
    { merge: true },
  );
} finally {
  await server.close();
  await one.dispose();
  await four.dispose();
  rmSync(dir, { recursive: true, force: true });
}
