// Reading sessions on worker threads: the same facts and the same report as reading them on the main thread, bit for bit.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { addCandidates, choose } from "@loom/core";
import { openSession } from "@loom/io";
import { realisticCandidate, writeRealisticSession } from "@loom/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSessionFacts } from "./analyze-sessions.js";
import { packFacts, unpackFacts } from "./facts-transfer.js";
import { readOnWorkers } from "./facts-pool.js";
import { AnalysisError, analyzeSessions } from "./index.js";
import { readSessionFacts } from "./read-session-facts.js";
import type { DecisionFacts, SessionFacts } from "./session-facts.js";

const root = mkdtempSync(join(tmpdir(), "loom-facts-pool-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Equal as Node compares values (Object.is for numbers: -0 is not 0) and printed alike (the same keys in the same order). */
function expectSame(a: unknown, b: unknown) {
  expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  expect(isDeepStrictEqual(a, b)).toBe(true);
}

const decision = (over: Partial<DecisionFacts>): DecisionFacts => ({
  id: "d_1",
  step: 1,
  position: 0.25,
  action: "choose",
  chosenBy: "auto",
  chosenNodeId: "n_2",
  ranking: null,
  reason: "highest logprob",
  maxLogprob: -1.5,
  chosenLogprob: -1.5,
  logprobGap: 0,
  candidates: 3,
  distinctTexts: 3,
  meanPairwiseOverlap: 0.1 + 0.2,
  clarification: null,
  ...over,
});

describe("packed facts", () => {
  it("unpack to the facts packed: every field, null, -0, rankings and clarifications", () => {
    const facts: SessionFacts = {
      dir: "/s/ü",
      sessionId: "s_1",
      briefTitle: null,
      generator: { provider: "local", model: "m" },
      selector: { mode: "llm", model: "judge" },
      preset: "custom",
      stop: { kind: "selector", reason: "done" },
      piece: { steps: 3, tokens: 18, chars: 70 },
      generatedTokens: 54,
      usage: [
        {
          kind: "generator",
          provider: "local",
          model: "m",
          inputTokens: 1,
          outputTokens: 2,
          requests: 3,
          costUsd: null,
        },
      ],
      decisions: [
        decision({}),
        decision({ id: "d_2", logprobGap: -0, maxLogprob: null, chosenLogprob: -1e-300, reason: "highest logprob" }),
        decision({
          id: "d_3",
          step: 3,
          position: 5 / 6,
          action: null,
          chosenBy: null,
          chosenNodeId: null,
          reason: null,
          logprobGap: null,
          meanPairwiseOverlap: null,
          candidates: 1,
          distinctTexts: 1,
        }),
        decision({
          id: "d_4",
          action: "clarify",
          ranking: ["n_9", "n_8"],
          clarification: {
            question: "now or later? 🐕",
            whatHingesOnIt: null,
            candidatesInTension: ["n_9"],
            humanResponse: null,
          },
        }),
      ],
      warnings: ["a torn last line"],
    };
    const packed = packFacts(facts);
    // Each repeated string once.
    expect(packed.strings.filter((s) => s === "highest logprob")).toHaveLength(1);
    const back = unpackFacts(structuredClone(packed));
    expectSame(back, facts);
    expect(Object.is(back.decisions[1]!.logprobGap, -0)).toBe(true);
    const none = { ...facts, decisions: [] };
    expectSame(unpackFacts(packFacts(none)), none);
  });
});

describe("reading on worker threads", () => {
  let dirs: string[];
  beforeAll(async () => {
    // Realistic sessions of several shapes, one with its last decision open, one copied while its writer was open
    // (its decisions in the journal: read whole) and one cut short (skipped, naming its file).
    dirs = [];
    for (let i = 0; i < 18; i++) {
      const dir = join(root, "tree", `s${String(i).padStart(2, "0")}`);
      await writeRealisticSession(dir, {
        decisions: 6 + (i % 5),
        branching: 2 + (i % 4),
        seed: i + 1,
        leaveOpen: i === 4,
        tokens: i % 3 === 0 ? 3 : 6,
      });
      dirs.push(dir);
    }
    const writer = await openSession(dirs[0]!);
    for (let k = 0; k < 3; k++) {
      const tip = writer.loom.currentPath.at(-1)!;
      const { decisionId, nodeIds } = writer.mutate((l) =>
        addCandidates(l, tip, [realisticCandidate(Math.random), realisticCandidate(Math.random)]),
      );
      writer.mutate((l) => choose(l, decisionId, nodeIds[1]!, "human", "mine"));
    }
    await writer.flush();
    const journaled = join(root, "tree", "s99-journaled");
    cpSync(dirs[0]!, journaled, { recursive: true, filter: (p) => !p.endsWith("/lock") });
    await writer.close();
    dirs.push(journaled);
    const first = readFileSync(join(dirs[1]!, "loom.json"));
    writeFileSync(join(root, "tree", "s03", "loom.json"), first.subarray(0, first.length >> 1));
  });

  it("give the facts the main thread reads, in the order named, with the same failures", async () => {
    const read = await readOnWorkers(dirs, 2, () => {});
    expect(read).not.toBeNull();
    for (const [i, dir] of dirs.entries()) {
      if (i === 3) {
        expect(read!.results[i]).toBeNull();
        await expect(readSessionFacts(dir)).rejects.toThrow(read!.failures.get(i)!);
        expect(read!.failures.get(i)).toMatch(/loom\.json/);
        continue;
      }
      expectSame(read!.results[i], await readSessionFacts(dir));
    }
    expect([...read!.failures.keys()]).toEqual([3]);
    // The copy taken while its writer was open was read whole, its journal applied.
    expect(readFileSync(join(dirs.at(-1)!, "journal.ndjson")).length).toBeGreaterThan(0);
    expect(read!.results.at(-1)!.decisions.filter((d) => d.chosenBy === "human")).toHaveLength(3);
  });

  it("give the same report as the main thread, bit for bit, with progress for every session", async () => {
    const progress: number[] = [];
    const options = { groupBy: ["position", "chooser"] as const, positionBuckets: 3 };
    const tree = [join(root, "tree")];
    const onWorkers = await analyzeSessions(tree, {
      ...options,
      workers: 3,
      onProgress: (done, total) => progress.push(done / total),
    });
    const onMain = await analyzeSessions(tree, { ...options, workers: 0 });
    expect(onWorkers.overall.sessions).toBe(18);
    expect(existsSync(dirs[3]!)).toBe(true);
    expect(onWorkers.skipped.map((s) => s.path)).toEqual([dirs[3]]);
    expectSame(onWorkers, onMain);
    expect(progress).toHaveLength(19);
    expect(progress.at(-1)).toBe(1);
    // The default (workers on a machine with cores to spare) and the facts themselves agree as well.
    expectSame(await analyzeSessions(tree, options), onMain);
    expectSame(await loadSessionFacts(tree, { workers: 2 }), await loadSessionFacts(tree, { workers: 0 }));
  });

  it("names a bad number of workers", async () => {
    for (const workers of [-1, 1.5, 257])
      await expect(analyzeSessions([join(root, "tree")], { workers })).rejects.toSatisfy(
        (e) => AnalysisError.isInstance(e) && e.code === "bad_option" && /workers must be an integer/.test(e.message),
      );
  });
});
