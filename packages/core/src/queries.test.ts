import { describe, expect, it } from "vitest";
import {
  addCandidates,
  choose,
  clarifications,
  createLoom,
  divergences,
  lastDecisions,
  loomStats,
  rejectedAt,
  resolveDecision,
  sequentialEnv,
} from "./index.js";

function sample() {
  const e = sequentialEnv();
  const loom = createLoom({ seed: "S" }, e);
  const d1 = addCandidates(
    loom,
    loom.rootId,
    [
      { text: "a", stepLogprob: -1 },
      { text: "b", stepLogprob: -6 },
    ],
    { env: e },
  );
  choose(loom, d1.decisionId, d1.nodeIds[1]!, "selector_llm", "fought the model", e);
  const d2 = addCandidates(
    loom,
    d1.nodeIds[1]!,
    [
      { text: "c", stepLogprob: -2 },
      { text: "d", stepLogprob: -2.5 },
    ],
    { env: e },
  );
  resolveDecision(
    loom,
    d2.decisionId,
    {
      action: "clarify",
      chosenBy: "selector_llm",
      question: "which?",
      candidatesInTension: d2.nodeIds,
      whatHingesOnIt: "tone",
    },
    e,
  );
  return { loom, d1, d2 };
}

describe("queries", () => {
  it("lists rejected candidates at a node", () => {
    const { loom, d1 } = sample();
    expect(rejectedAt(loom, loom.rootId).map((n) => n.text)).toEqual(["a"]);
    expect(rejectedAt(loom, d1.nodeIds[0]!)).toEqual([]);
  });

  it("finds divergences below a threshold, and none without logprobs", () => {
    const { loom, d1 } = sample();
    expect(divergences(loom, -2).map((d) => d.id)).toEqual([d1.decisionId]);
    expect(divergences(loom, -10)).toEqual([]);
    const plain = createLoom({ seed: "x" });
    const d = addCandidates(plain, plain.rootId, [{ text: "a" }, { text: "b" }]);
    choose(plain, d.decisionId, d.nodeIds[1]!, "human", "r");
    expect(divergences(plain, 0)).toEqual([]);
  });

  it("returns the last N decisions in order and all clarifications", () => {
    const { loom, d1, d2 } = sample();
    expect(lastDecisions(loom, 5).map((d) => d.id)).toEqual([d1.decisionId, d2.decisionId]);
    expect(lastDecisions(loom, 1).map((d) => d.id)).toEqual([d2.decisionId]);
    expect(clarifications(loom).map((d) => d.clarificationQuestion)).toEqual(["which?"]);
    const stats = loomStats(loom);
    expect(stats).toMatchObject({
      nodes: 5,
      decisions: 2,
      resolvedDecisions: 2,
      clarifications: 1,
      depth: 1,
      meanLogprobGap: -5,
    });
  });
});
