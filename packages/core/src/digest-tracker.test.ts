// A digest kept as ops are applied equals the digest computed afresh after every kind of op, and a run's ops keep it without counting the loom again.
import { describe, expect, it } from "vitest";
import {
  addCandidates,
  answerClarification,
  applyTreeWork,
  checkout,
  createLoom,
  loomDigest,
  resolveDecision,
  sequentialEnv,
  type LoomDigest,
  type LoomEnv,
  type LoomOp,
} from "./index.js";
import { DigestTracker, seededRandom } from "./internal.js";

const LIMITS = { decisions: 5, around: 4 };

/** The two digests agree: exactly, but for the sum of the gaps, added in resolution order rather than the loom's. */
function expectSame(kept: LoomDigest, fresh: LoomDigest, what: string): void {
  const { gaps: kg, stats: ks, ...keptRest } = kept;
  const { gaps: fg, stats: fs, ...freshRest } = fresh;
  expect(keptRest, what).toEqual(freshRest);
  expect({ ...ks, meanLogprobGap: null }, what).toEqual({ ...fs, meanLogprobGap: null });
  expect(kg!.count, what).toBe(fg!.count);
  expect(kg!.sum, what).toBeCloseTo(fg!.sum, 9);
  if (fs.meanLogprobGap === null) expect(ks.meanLogprobGap, what).toBeNull();
  else expect(ks.meanLogprobGap!, what).toBeCloseTo(fs.meanLogprobGap, 9);
}

/** A loom, a tracker told of every op applied to it, and a check of its digest against a fresh one after each. */
function rig(env: LoomEnv = sequentialEnv()) {
  const rand = seededRandom(7);
  const loom = createLoom({ seed: "S" }, env);
  const tracker = new DigestTracker(LIMITS);
  const apply = (op: LoomOp) => {
    tracker.noteOp(op, loom);
    expectSame(tracker.digest(loom), loomDigest(loom, LIMITS), op.op);
  };
  const offer = (k: number, decisionId?: string) => {
    const a = addCandidates(
      loom,
      loom.currentPath.at(-1)!,
      Array.from({ length: k }, (_, i) => ({
        text: ` w${Math.floor(rand() * 100)}`,
        stepLogprob: i === 1 ? null : -rand() * 4,
        tokens: [{ text: ` w${i}`, logprob: -rand() }],
      })),
      { env, ...(decisionId ? { decisionId } : {}) },
    );
    apply(a.op);
    return a;
  };
  const choose = (decisionId: string, nodeId: string) =>
    apply(
      resolveDecision(loom, decisionId, { action: "choose", chosenNodeId: nodeId, chosenBy: "auto", reason: "r" }, env),
    );
  const grow = (steps: number) => {
    for (let i = 0; i < steps; i++) {
      const a = offer(3);
      choose(a.decisionId, a.nodeIds[i % 3]!);
    }
  };
  return { loom, env, tracker, apply, offer, choose, grow };
}

describe("DigestTracker", () => {
  it("follows a run (candidates, rerolls, choices, stops, clarifications, checkouts) with one count of the loom", () => {
    const { loom, env, tracker, apply, offer, choose, grow } = rig();
    grow(12);
    expect(tracker.fullCounts).toBe(1);
    const open = offer(2);
    offer(2, open.decisionId); // a reroll: more candidates for the open decision
    choose(open.decisionId, loom.decisions[open.decisionId]!.candidateNodeIds[3]!);
    const asked = offer(2);
    apply(
      resolveDecision(
        loom,
        asked.decisionId,
        {
          action: "clarify",
          chosenBy: "selector_llm",
          question: "q?",
          candidatesInTension: asked.nodeIds,
          whatHingesOnIt: "h",
        },
        env,
      ),
    );
    expect(tracker.fullCounts).toBe(1);
    // An answer changes a decision the tracker does not follow: counted afresh, then followed again.
    apply(
      answerClarification(
        loom,
        asked.decisionId,
        "the first",
        { action: "choose", chosenNodeId: asked.nodeIds[0]!, chosenBy: "human", reason: "a" },
        env,
      ),
    );
    const counted = tracker.fullCounts;
    expect(counted).toBe(2);
    apply(checkout(loom, loom.currentPath[4]!));
    grow(9);
    const last = offer(3);
    apply(resolveDecision(loom, last.decisionId, { action: "stop", chosenBy: "selector_llm", reason: "done" }, env));
    expect(tracker.fullCounts).toBe(counted);
  });

  it("counts afresh after tree work, undo and redo, and stays equal to a fresh digest", () => {
    const { loom, env, tracker, apply, grow } = rig();
    grow(10);
    const path = loom.currentPath;
    for (const work of [
      { action: "split", nodeId: path[3]!, offset: 2 },
      { action: "prune", nodeId: path[6]! },
      { action: "bookmark", nodeId: path[2]! },
      { action: "undo" },
      { action: "undo" },
      { action: "redo" },
    ] as const) {
      apply(applyTreeWork(loom, work, env).op);
    }
    grow(4);
    expect(tracker.fullCounts).toBeGreaterThan(1);
  });

  it("places decisions resolved at the same instant as others as a fresh count does, without counting again", () => {
    let t = Date.UTC(2026, 0, 1);
    let n = 0;
    // A clock that stands still between ticks: several decisions resolved at the same instant.
    const env: LoomEnv = {
      newId: (k) => `${k}_${(++n).toString(36).padStart(6, "0")}`,
      now: () => new Date(t).toISOString(),
    };
    const { tracker, offer, choose } = rig(env);
    const a = offer(2);
    choose(a.decisionId, a.nodeIds[0]!);
    const b = offer(2);
    choose(b.decisionId, b.nodeIds[1]!);
    t += 1000;
    const c = offer(3);
    choose(c.decisionId, c.nodeIds[2]!);
    // Each was the decision opened last, so it goes after those of its instant: no count again.
    expect(tracker.fullCounts).toBe(1);
    // A clock gone back: resolved at the instant of the first two, it goes after them and before the third.
    const d = offer(2);
    t -= 1000;
    choose(d.decisionId, d.nodeIds[0]!);
    expect(tracker.fullCounts).toBe(1);
  });

  it("places decisions resolved by a clock that went back where a fresh count does, without counting again", () => {
    // Resolution times jump back and forth (a replay of older ops, an import), never twice the same instant.
    const times = [50, 10, 70, 5, 60, 1, 3, 90, 2, 80, 4, 65, 66, 0.5, 95, 0.25];
    let next = 0;
    let n = 0;
    const env: LoomEnv = {
      newId: (k) => `${k}_${(++n).toString(36).padStart(6, "0")}`,
      now: () => new Date(Date.UTC(2026, 0, 1) + (times[next++ % times.length]! + next / 1000) * 60_000).toISOString(),
    };
    const { tracker, grow } = rig(env);
    grow(40);
    expect(tracker.fullCounts).toBe(1);
  });
});
