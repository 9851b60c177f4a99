// Benchmark of @loom/orchestrator: loop overhead (decisions/s) with a scripted generator and an instant selector on a 10,000-node loom, persistence on vs off.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLoom, type Loom, type LoomEnv } from "@loom/core";
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

async function timeLoop(session: SessionLike): Promise<number> {
  const orch = await Orchestrator.open({
    session,
    generator: new ScriptedGenerator({ seed: 5 }),
    selector: createScriptedSelector(chooseFirst),
    env: benchEnv(10_000_000),
  });
  const t0 = nowMs();
  await explore(orch, DECISIONS, 2);
  return (DECISIONS / (nowMs() - t0)) * 1000;
}

const base = await baseLoom();
/** A fresh copy of the base loom (through JSON: structuredClone would drop the TokenList class of every node's tokens). */
const copy = (): Loom => parseLoomFast(JSON.parse(JSON.stringify(base)))!;
const nodes = Object.keys(base.nodes).length;
const persisted: number[] = [];
const memory: number[] = [];
const root = mkdtempSync(join(tmpdir(), "loom-bench-orch-"));
try {
  // Warm-up, then alternate the two variants so machine noise hits both alike.
  await timeLoop(memorySession(copy()));
  for (let round = 0; round < ROUNDS; round++) {
    const session = await createSession(join(root, `r${round}`), copy());
    persisted.push(await timeLoop(session));
    await session.close();
    memory.push(await timeLoop(memorySession(copy())));
    (globalThis as { gc?: () => void }).gc?.();
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
const value = median(persisted);
const baseline = median(memory);
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
    },
    baseline,
    ratio: value / baseline,
    target: `>= ${TARGET} decisions/s with persistence`,
    pass: value >= TARGET,
  },
]);
