import { describe, expect, it } from "vitest";
import {
  addCandidates,
  addHumanNode,
  answerClarification,
  checkout,
  choose,
  createLoom,
  currentText,
  editNode,
  findInvariantViolations,
  holdPath,
  LoomError,
  nodeText,
  releasePath,
  resolveDecision,
  sequentialEnv,
} from "./index.js";

const env = () => sequentialEnv();

describe("tree operations", () => {
  it("grows the current path as candidates are chosen and computes text from segments", () => {
    const e = env();
    const loom = createLoom({ seed: "Once upon a time" }, e);
    const a = addCandidates(loom, loom.rootId, [{ text: ", a cat" }, { text: ", a dog" }], { env: e });
    choose(loom, a.decisionId, a.nodeIds[1]!, "human", "dogs", e);
    const b = addCandidates(loom, a.nodeIds[1]!, [{ text: " ran." }], { env: e });
    choose(loom, b.decisionId, b.nodeIds[0]!, "auto", "only one", e);
    expect(currentText(loom)).toBe("Once upon a time, a dog ran.");
    expect(nodeText(loom, a.nodeIds[0]!)).toBe("Once upon a time, a cat");
    expect(loom.currentPath).toEqual([loom.rootId, a.nodeIds[1], b.nodeIds[0]]);
    expect(loom.nodes[a.nodeIds[1]!]!.chosenBy).toBe("human");
    expect(findInvariantViolations(loom)).toEqual([]);
  });

  it("computes logprobGap only over candidates that have logprobs", () => {
    const loom = createLoom({ seed: "x" });
    const d = addCandidates(loom, loom.rootId, [
      {
        text: "a",
        tokens: [
          { text: "a", logprob: -1 },
          { text: "b", logprob: -0.5 },
        ],
      },
      { text: "b", stepLogprob: -4 },
      { text: "c" },
    ]);
    expect(loom.nodes[d.nodeIds[0]!]!.stepLogprob).toBe(-1.5);
    choose(loom, d.decisionId, d.nodeIds[1]!, "selector_llm", "stranger");
    const decision = loom.decisions[d.decisionId]!;
    expect(decision.maxLogprob).toBe(-1.5);
    expect(decision.chosenLogprob).toBe(-4);
    expect(decision.logprobGap).toBe(-2.5);

    const e = addCandidates(loom, d.nodeIds[1]!, [{ text: "p", stepLogprob: -1 }, { text: "q" }]);
    choose(loom, e.decisionId, e.nodeIds[1]!, "human", "mine");
    expect(loom.decisions[e.decisionId]!.logprobGap).toBeNull();
    expect(loom.decisions[e.decisionId]!.maxLogprob).toBe(-1);
  });

  it("rerolls add candidates to the same open decision, and a human node joins it", () => {
    const loom = createLoom({ seed: "x" });
    const d = addCandidates(loom, loom.rootId, [{ text: "a" }]);
    addCandidates(loom, loom.rootId, [{ text: "b" }], { decisionId: d.decisionId });
    const h = addHumanNode(loom, loom.rootId, " written");
    expect(h.decisionId).toBe(d.decisionId);
    expect(loom.decisions[d.decisionId]!.candidateNodeIds).toHaveLength(3);
    choose(loom, d.decisionId, h.nodeId, "human", "my own words");
    expect(currentText(loom)).toBe("x written");
    expect(() => addCandidates(loom, loom.rootId, [{ text: "c" }], { decisionId: d.decisionId })).toThrow(/not open/);
  });

  it("a clarification waits for the human's answer, then resolves as choose", () => {
    const loom = createLoom({ seed: "x" });
    const d = addCandidates(loom, loom.rootId, [{ text: "a" }, { text: "b" }]);
    resolveDecision(loom, d.decisionId, {
      action: "clarify",
      chosenBy: "selector_llm",
      question: "Dark or light?",
      candidatesInTension: d.nodeIds,
      whatHingesOnIt: "the ending",
    });
    expect(() => choose(loom, d.decisionId, d.nodeIds[0]!, "human", "x")).toThrow(LoomError);
    answerClarification(loom, d.decisionId, "dark", {
      action: "choose",
      chosenNodeId: d.nodeIds[1]!,
      chosenBy: "selector_llm",
      reason: "dark",
    });
    const decision = loom.decisions[d.decisionId]!;
    expect(decision.action).toBe("choose");
    expect(decision.humanResponse).toBe("dark");
    expect(decision.clarificationQuestion).toBe("Dark or light?");
    expect(currentText(loom)).toBe("xb");
  });

  it("rejects a choice that is not a candidate and leaves the loom unchanged", () => {
    const loom = createLoom({ seed: "x" });
    const d = addCandidates(loom, loom.rootId, [{ text: "a" }]);
    const before = JSON.stringify(loom);
    expect(() => choose(loom, d.decisionId, loom.rootId, "human", "no")).toThrow(/not a candidate/);
    expect(JSON.stringify(loom)).toBe(before);
  });

  it("checks out, holds and releases paths", () => {
    const loom = createLoom({ seed: "x" });
    const d = addCandidates(loom, loom.rootId, [{ text: "a" }, { text: "b" }]);
    choose(loom, d.decisionId, d.nodeIds[0]!, "human", "a");
    holdPath(loom);
    checkout(loom, d.nodeIds[1]!);
    expect(currentText(loom)).toBe("xb");
    expect(loom.heldPaths).toEqual([[loom.rootId, d.nodeIds[0]]]);
    releasePath(loom, d.nodeIds[0]!);
    expect(loom.heldPaths).toEqual([]);
    expect(() => checkout(loom, "nope")).toThrow(/no node/);
  });

  it("editing keeps the original and moves the current path to the edited sibling", () => {
    const loom = createLoom({ seed: "x" });
    const d = addCandidates(loom, loom.rootId, [{ text: " old" }]);
    choose(loom, d.decisionId, d.nodeIds[0]!, "human", "ok");
    const edit = editNode(loom, d.nodeIds[0]!, " new");
    expect(currentText(loom)).toBe("x new");
    expect(loom.nodes[d.nodeIds[0]!]!.text).toBe(" old");
    expect(loom.nodes[edit.nodeId]!.replacesId).toBe(d.nodeIds[0]);
    expect(() => editNode(loom, loom.rootId, "seed")).toThrow(/sibling/);
    expect(findInvariantViolations(loom)).toEqual([]);
  });
});
