// branchAtToken: a sibling made of a candidate's tokens before a point and the road not taken there, recorded as the human's choice.
import { describe, expect, it } from "vitest";
import {
  addCandidates,
  applyOp,
  branchAtToken,
  choose,
  createLoom,
  currentText,
  findInvariantViolations,
  type LoomOp,
  LoomOpSchema,
  LoomSchema,
  redo,
  sequentialEnv,
  type Token,
  undo,
} from "./index.js";

// The local engine's shape: ids, logprobs and top-5 alternatives (with their ids) per token.
const alt = (text: string, logprob: number, id: number) => ({ text, logprob, id });
const tokens: Token[] = [
  {
    text: " Lily",
    id: 301,
    logprob: -0.2,
    top: [alt(" Lily", -0.2, 301), alt(" Tom", -2.1, 302), alt(" Ben", -3.5, 303)],
  },
  {
    text: " went",
    id: 410,
    logprob: -0.9,
    top: [alt(" was", -0.6, 411), alt(" went", -0.9, 410), alt(" saw", -2.4, 412)],
  },
  { text: " to", id: 50, logprob: -0.1, top: [alt(" to", -0.1, 50), alt(" home", -2.9, 51)] },
  { text: " the", id: 60, logprob: -0.3, top: [alt(" the", -0.3, 60), alt(" a", -1.6, 61)] },
];

function grown() {
  const env = sequentialEnv();
  const loom = createLoom({ seed: "Once upon a time," }, env);
  const ops: LoomOp[] = [];
  const step = addCandidates(
    loom,
    loom.rootId,
    [
      { text: " Lily went to the", tokens, meta: { provider: "local", model: "stories260K.gguf", prompt: "Once" } },
      { text: " a dog" },
    ],
    { env },
  );
  ops.push(step.op, choose(loom, step.decisionId, step.nodeIds[0]!, "human", "fits", env));
  return { loom, env, ops, original: step.nodeIds[0]!, other: step.nodeIds[1]! };
}

describe("branchAtToken", () => {
  it("keeps the first k tokens, puts the alternative at k, and records the human's choice as a decision", () => {
    const { loom, env, original } = grown();
    const { nodeId, decisionId } = branchAtToken(loom, original, 1, { alternative: 0 }, env);
    const node = loom.nodes[nodeId]!;
    const kept = node.tokens!.toArray();
    expect(kept.slice(0, 1)).toEqual(tokens.slice(0, 1));
    expect(kept[1]).toEqual({ text: " was", id: 411, logprob: -0.6, top: tokens[1]!.top });
    expect(kept).toHaveLength(2);
    expect(node.text).toBe(" Lily was");
    expect(node.parentId).toBe(loom.nodes[original]!.parentId);
    expect(node.stepLogprob).toBeCloseTo(-0.8);
    expect(node.meta).toMatchObject({
      provider: "local",
      model: "stories260K.gguf",
      branchedFrom: { nodeId: original, tokenIndex: 1, alternative: 0 },
    });
    expect(node.meta.prompt).toBeUndefined();
    const decision = loom.decisions[decisionId]!;
    expect(decision).toMatchObject({
      action: "choose",
      parentNodeId: loom.rootId,
      candidateNodeIds: [nodeId],
      chosenNodeId: nodeId,
      chosenBy: "human",
    });
    expect(decision.reason).toMatch(/^branched at token 1 of /);
    expect(node.chosenBy).toBe("human");
    expect(loom.currentPath.at(-1)).toBe(nodeId);
    expect(currentText(loom)).toBe("Once upon a time, Lily was");
    // The original is untouched.
    expect(loom.nodes[original]!.tokens!.toArray()).toEqual(tokens);
    expect(findInvariantViolations(loom)).toEqual([]);
  });

  it("takes typed text at the point: a token without a logprob, so the step has none", () => {
    const { loom, env, original } = grown();
    const { nodeId } = branchAtToken(loom, original, 0, { text: " Mia" }, env);
    const node = loom.nodes[nodeId]!;
    expect(node.text).toBe(" Mia");
    expect(node.tokens!.toArray()).toEqual([{ text: " Mia" }]);
    expect(node.stepLogprob).toBeNull();
    expect(node.origin).toBe("human");
  });

  it("refuses what does not fit, saying why, and changes nothing", () => {
    const { loom, env, original, other } = grown();
    const before = JSON.stringify(loom);
    expect(() => branchAtToken(loom, original, 4, { alternative: 1 }, env)).toThrow(/token 4 is outside .* give 0–3/);
    expect(() => branchAtToken(loom, original, 0, { alternative: 3 }, env)).toThrow(/alternative 3 does not exist/);
    expect(() => branchAtToken(loom, original, 0, { alternative: 0 }, env)).toThrow(/already there/);
    expect(() => branchAtToken(loom, original, 0, { text: "" }, env)).toThrow(/cannot be empty/);
    expect(() => branchAtToken(loom, other, 0, { text: "x" }, env)).toThrow(/has no tokens/);
    expect(() => branchAtToken(loom, loom.rootId, 0, { text: "x" }, env)).toThrow(/seed/);
    expect(() => branchAtToken(loom, "nope", 0, { text: "x" }, env)).toThrow(/nope/);
    expect(JSON.stringify(loom)).toBe(before);
  });

  it("is undone and redone as one change, and replays from its journaled (JSON) form", () => {
    const { loom, env, ops, original } = grown();
    const tip = loom.currentPath.at(-1);
    const before = JSON.stringify({ ...loom, undo: [], redo: [] });
    const branch = branchAtToken(loom, original, 2, { alternative: 1 }, env);
    const after = JSON.stringify({ ...loom, undo: [], redo: [] });
    undo(loom, env);
    expect(loom.nodes[branch.nodeId]).toBeUndefined();
    expect(loom.decisions[branch.decisionId]).toBeUndefined();
    expect(loom.currentPath.at(-1)).toBe(tip);
    expect(JSON.stringify({ ...loom, undo: [], redo: [] })).toBe(before);
    redo(loom, env);
    expect(JSON.stringify({ ...loom, undo: [], redo: [] })).toBe(after);

    const replayed = createLoom({ seed: "Once upon a time," }, sequentialEnv());
    for (const op of [...ops, branch.op]) applyOp(replayed, LoomOpSchema.parse(JSON.parse(JSON.stringify(op))));
    expect(JSON.stringify({ ...replayed, undo: [], redo: [] })).toBe(after);
    expect(LoomSchema.parse(JSON.parse(JSON.stringify(replayed))).nodes[branch.nodeId]!.text).toBe(" Lily went home");
  });
});
