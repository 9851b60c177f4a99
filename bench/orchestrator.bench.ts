// Benchmark of @loom/orchestrator: loop overhead (decisions/s) with a scripted generator and an instant selector on a 10,000-node loom, persistence on vs off.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { applyOp, createLoom, type Loom, type LoomEnv, type LoomOp } from "@loom/core";
import { parseLoomFast, seededRandom } from "@loom/core/internal";
import { ScriptedGenerator } from "@loom/generators/test";
import { createSession } from "@loom/io";
import { memorySession, Orchestrator, type SessionLike } from "@loom/orchestrator";
import { chooseFirst, createScriptedSelector } from "@loom/selectors";
import { median, nowMs, writeResults } from "./report.js";

const START_NODES = 10_000;
const DECISIONS = Number(process.env["LOOM_BENCH_DECISIONS"] ?? 2_000);
const ROUNDS = Number(process.env["LOOM_BENCH_ROUNDS"] ?? 3);
const TARGET = 2_000;

/** Ids as long as defaultEnv's, from a counter, so runs are comparable and sizes realistic. */
function benchEnv(start = 0): LoomEnv {
  let n = start;
  let t = Date.UTC(2026, 0, 1);
  const prefix = { node: "n", decision: "d", session: "s" } as const;
  return {
    newId: (k) => `${prefix[k]}_${(++n).toString(16).padStart(16, "0")}`,
    now: () => new Date(t++).toISOString(),
  };
}

// Default sampling (8 branches of 6 tokens, top-5 logprobs) and the default piece length (maxTokensTotal 1500).
const config = { generator: { provider: "scripted", model: "scripted", seed: 1 }, selector: { mode: "auto" as const } };

/**
 * Make `decisions` decisions with run(). When a piece reaches maxTokensTotal the loop goes back to a
 * random earlier node of it and goes on, as a person exploring alternatives would; that is how a
 * loom of this size arises, since one piece is at most 1500 tokens (250 steps) deep.
 */
async function explore(orch: Orchestrator, decisions: number, seed: number): Promise<void> {
  // Seeded, so every run explores the same branches.
  const random = seededRandom(seed);
  let done = 0;
  while (done < decisions) {
    const result = await orch.run({ maxSteps: decisions - done });
    done += result.steps;
    if (result.reason === "max-tokens") {
      const path = orch.loom.currentPath;
      await orch.checkout(path[Math.floor(random() * path.length * 0.8)]!);
    } else if (result.reason !== "max-steps") {
      throw new Error(`the loop stopped early: ${result.reason}`);
    }
  }
}

/** A loom of START_NODES nodes grown by the same loop. */
async function baseLoom(): Promise<Loom> {
  const loom = createLoom(
    { seed: "The attention was a hand, and it was holding", config, sessionId: "s_bench" },
    benchEnv(),
  );
  const orch = await Orchestrator.open({
    session: memorySession(loom),
    generator: new ScriptedGenerator({ seed: 3 }),
    selector: createScriptedSelector(chooseFirst),
    env: benchEnv(1_000_000),
  });
  await explore(orch, Math.ceil(START_NODES / loom.config.generator.branchingFactor), 1);
  return loom;
}

/**
 * The main thread's time on a CPU and off it while not waiting for one (blocked in the kernel, or idle),
 * in ms, from Linux's per-thread scheduler statistics; null elsewhere. On a machine loaded by other work,
 * wall time mostly measures the wait for a core; these two say where the loop's own time went.
 */
function mainThreadTimes(): { onCpu: number; runnable: number } | null {
  if (!existsSync("/proc/thread-self/schedstat")) return null;
  const [onCpu, runnable] = readFileSync("/proc/thread-self/schedstat", "utf8").split(" ").map(Number);
  return { onCpu: onCpu! / 1e6, runnable: runnable! / 1e6 };
}

interface LoopTimes {
  /** Decisions per second of wall time. */
  rate: number;
  /** Main-thread CPU ms per 1,000 decisions, and ms blocked or idle (neither running nor waiting for a core). */
  cpuPerK?: number;
  blockedPerK?: number;
}

async function timeLoop(session: SessionLike): Promise<LoopTimes> {
  // Collect the garbage of the setup (copying the base loom, writing the session's first snapshot) and of the
  // previous loop first: otherwise whichever loop comes next pays for it. Before this, the persisted loop
  // paid for its own setup and the in-memory one for the persisted session's teardown.
  (globalThis as { gc?: () => void }).gc?.();
  const orch = await Orchestrator.open({
    session,
    generator: new ScriptedGenerator({ seed: 5 }),
    selector: createScriptedSelector(chooseFirst),
    env: benchEnv(10_000_000),
  });
  const s0 = mainThreadTimes();
  const t0 = nowMs();
  await explore(orch, DECISIONS, 2);
  const wall = nowMs() - t0;
  const s1 = mainThreadTimes();
  const rate = (DECISIONS / wall) * 1000;
  if (!s0 || !s1) return { rate };
  const onCpu = s1.onCpu - s0.onCpu;
  const blocked = Math.max(0, wall - onCpu - (s1.runnable - s0.runnable));
  return { rate, cpuPerK: (onCpu * 1000) / DECISIONS, blockedPerK: (blocked * 1000) / DECISIONS };
}

/** A memory session that also keeps every op it commits, to replay them later. */
function recordingSession(loom: Loom): { session: SessionLike; ops: LoomOp[] } {
  const session = memorySession(loom);
  const ops: LoomOp[] = [];
  const mutate = session.mutate.bind(session);
  session.mutate = (fn) => {
    const result = mutate(fn);
    ops.push(typeof (result as { op: unknown }).op === "string" ? (result as LoomOp) : (result as { op: LoomOp }).op);
    return result;
  };
  return { session, ops };
}

/**
 * Main-thread CPU µs per decision to commit a loop's recorded ops, one mutate each, into `session`. Without
 * the generator and selector around them, this isolates what the store costs per decision from the noise of
 * the whole loop (wall and even CPU time of the loops vary ±20 % on a loaded machine).
 */
async function replayCost(session: SessionLike & { close?: () => Promise<void> }, ops: LoomOp[]): Promise<number> {
  (globalThis as { gc?: () => void }).gc?.();
  const s0 = mainThreadTimes();
  for (const op of ops) session.mutate((l) => (applyOp(l, op), op));
  const s1 = mainThreadTimes();
  await session.close?.();
  const decisions = ops.filter((o) => o.op === "resolve").length;
  return s0 && s1 ? ((s1.onCpu - s0.onCpu) * 1000) / decisions : Number.NaN;
}

const loadBefore = loadavg()[0];
const base = await baseLoom();
/** A fresh copy of the base loom (through JSON: structuredClone would drop the TokenList class of every node's tokens). */
const copy = (): Loom => parseLoomFast(JSON.parse(JSON.stringify(base)))!;
const nodes = Object.keys(base.nodes).length;
const persisted: LoopTimes[] = [];
const memory: LoopTimes[] = [];
const replay = { persisted: [] as number[], memory: [] as number[] };
const root = mkdtempSync(join(tmpdir(), "loom-bench-orch-"));
try {
  // Warm-up (recording the loop's ops for the replays), then alternate the variants so machine noise hits all alike.
  const recorded = recordingSession(copy());
  await timeLoop(recorded.session);
  for (let round = 0; round < ROUNDS; round++) {
    const session = await createSession(join(root, `r${round}`), copy());
    persisted.push(await timeLoop(session));
    await session.close();
    memory.push(await timeLoop(memorySession(copy())));
    replay.persisted.push(await replayCost(await createSession(join(root, `p${round}`), copy()), recorded.ops));
    replay.memory.push(await replayCost(memorySession(copy()), recorded.ops));
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
const value = median(persisted.map((t) => t.rate));
const baseline = median(memory.map((t) => t.rate));
const cpu = (times: LoopTimes[]) => median(times.map((t) => t.cpuPerK ?? Number.NaN));
const blocked = (times: LoopTimes[]) => median(times.map((t) => t.blockedPerK ?? Number.NaN));
writeResults("orchestrator", [
  {
    metric: "loop-overhead",
    value,
    unit: "decisions/s",
    params: {
      startNodes: nodes,
      decisions: DECISIONS,
      rounds: ROUNDS,
      branchingFactor: 8,
      segmentTokens: 6,
      logprobs: 5,
      maxTokensTotal: 1500,
      onMaxTokens: "checkout a random earlier node of the piece",
      persistence: "@loom/io session (journal + manifest appends)",
      baseline: "same loop, memorySession (no persistence)",
      generator: "scripted (@loom/generators/test)",
      selector: "instant (first candidate)",
      // The machine's load while the bench ran (1-minute average, before and after): wall times scale with it.
      load: [loadBefore, loadavg()[0]],
    },
    baseline,
    ratio: value / baseline,
    target: `>= ${TARGET} decisions/s with persistence`,
    pass: value >= TARGET,
  },
  // The same loops by the main thread's CPU time (Linux only): what persistence costs the loop in work,
  // whatever the load; `blockedMsPer1000` is what it spent waiting in the kernel (a sync, a contended write).
  ...(Number.isNaN(cpu(persisted))
    ? []
    : [
        {
          metric: "loop-overhead-cpu",
          value: cpu(persisted),
          unit: "main-thread CPU ms per 1,000 decisions",
          params: {
            decisions: DECISIONS,
            rounds: ROUNDS,
            blockedMsPer1000: { persisted: blocked(persisted), memory: blocked(memory) },
            baseline: "same loop, memorySession (no persistence)",
          },
          baseline: cpu(memory),
          ratio: cpu(memory) / cpu(persisted),
          target: ">= 0.8 (the loop-overhead target, in CPU rather than wall time)",
          pass: cpu(memory) / cpu(persisted) >= 0.8,
        },
        {
          metric: "persist-cost",
          value: median(replay.persisted) - median(replay.memory),
          unit: "main-thread CPU µs per decision to journal a decision's ops (replayed), over applying them in memory",
          params: {
            decisions: DECISIONS,
            rounds: ROUNDS,
            replayMicros: { persisted: replay.persisted, memory: replay.memory },
            baseline: "the in-memory loop's main-thread CPU µs per decision (loop-overhead-cpu's baseline / 1000)",
          },
          baseline: cpu(memory),
          // The CPU ratio the loop would have if persistence cost only this: 0.8 needs value <= 0.25 x baseline.
          ratio: cpu(memory) / (cpu(memory) + median(replay.persisted) - median(replay.memory)),
          target: "<= 0.25 x the in-memory loop's CPU per decision (what loop-overhead >= 0.8 leaves for the store)",
          pass: median(replay.persisted) - median(replay.memory) <= 0.25 * cpu(memory),
        },
      ]),
]);
