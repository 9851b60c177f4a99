// Tests that the hand-written fast parsers agree with the zod schemas: same result when they accept, null whenever zod rejects.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DecisionEventSchema,
  LoomSchema,
  NodeSchema,
  addCandidates,
  choose,
  createLoom,
  sequentialEnv,
} from "./index.js";
import { parseDecisionFast, parseLoomFast, parseNodeFast } from "./internal.js";

const fullNode = {
  id: "n_1",
  parentId: "n_0",
  text: " a fox",
  tokens: [
    {
      text: " a",
      id: 3,
      logprob: -0.5,
      top: [
        { text: " a", logprob: -0.5 },
        { text: " the", logprob: -1 },
      ],
    },
    { text: " fox", logprob: -1.25 },
  ],
  stepLogprob: -1.75,
  decisionId: "d_1",
  chosenBy: "selector_llm",
  selectionReason: "vivid",
  scores: { voice: 0.8 },
  createdAt: "2026-01-01T00:00:00.000Z",
  origin: "generated",
  replacesId: null,
  meta: { model: "m", sampling: { n: 8 } },
};
const sparseNode = { id: "n_2", parentId: null, text: "seed", createdAt: "2026-01-01T00:00:00.000Z" };

const fullDecision = {
  id: "d_1",
  parentNodeId: "n_0",
  candidateNodeIds: ["n_1", "n_2"],
  action: "clarify",
  chosenNodeId: null,
  chosenBy: "human",
  reason: null,
  ranking: ["n_2", "n_1"],
  candidateScores: { n_1: { voice: 1 } },
  clarificationQuestion: "which?",
  candidatesInTension: ["n_1", "n_2"],
  whatHingesOnIt: "tone",
  humanResponse: null,
  maxLogprob: -1,
  chosenLogprob: null,
  logprobGap: null,
  timestamp: "2026-01-01T00:00:00.000Z",
  resolvedAt: "2026-01-01T00:00:01.000Z",
  briefVersion: 2,
};
const sparseDecision = { id: "d_2", parentNodeId: "n_0", candidateNodeIds: [], timestamp: "t" };

/** Values that break one field or another in the ways a damaged file or a buggy caller might. */
const oddValues = [
  undefined,
  null,
  "",
  "x",
  0,
  -1.5,
  2 ** 53,
  NaN,
  Infinity,
  true,
  [],
  ["x"],
  [1],
  {},
  { a: 1 },
  { a: "x" },
  [{ text: "t" }],
  [{ text: "t", extra: 1 }],
  [{ text: 1 }],
  [{ text: "t", top: [{ text: "a", logprob: "x" }] }],
  new Map(),
  "auto",
  "generated",
  "choose",
];

function agreesWithZod(
  schema: { safeParse: (v: unknown) => { success: boolean; data?: unknown } },
  fast: (v: unknown) => unknown,
  input: unknown,
): void {
  const copy = structuredClone(input);
  const z = schema.safeParse(copy);
  const f = fast(structuredClone(input));
  if (!z.success) expect(f).toBeNull();
  else if (f !== null) {
    expect(f).toEqual(z.data);
    // Same key order too, so snapshots written from either serialise identically.
    expect(JSON.stringify(f)).toBe(JSON.stringify(z.data));
  }
}

describe("fast parsers", () => {
  it("accept valid records exactly as zod does, filling the same defaults", () => {
    for (const n of [fullNode, sparseNode]) {
      expect(parseNodeFast(structuredClone(n))).not.toBeNull();
      agreesWithZod(NodeSchema, parseNodeFast, n);
    }
    for (const d of [fullDecision, sparseDecision]) {
      expect(parseDecisionFast(structuredClone(d))).not.toBeNull();
      agreesWithZod(DecisionEventSchema, parseDecisionFast, d);
    }
  });

  it("return null whenever zod rejects a field, whatever the field", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(fullNode)),
        fc.constantFrom(...oddValues.keys()),
        fc.boolean(),
        (key, at, sparse) => {
          const n: Record<string, unknown> = structuredClone(
            sparse ? { ...sparseNode, [key]: fullNode[key as keyof typeof fullNode] } : fullNode,
          );
          n[key] = oddValues[at];
          agreesWithZod(NodeSchema, parseNodeFast, n);
        },
      ),
      { numRuns: 600 },
    );
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(fullDecision)), fc.constantFrom(...oddValues.keys()), (key, at) => {
        const d: Record<string, unknown> = structuredClone(fullDecision);
        d[key] = oddValues[at];
        agreesWithZod(DecisionEventSchema, parseDecisionFast, d);
      }),
      { numRuns: 600 },
    );
    for (const bad of [null, "x", [], 3]) {
      expect(parseNodeFast(bad)).toBeNull();
      expect(parseDecisionFast(bad)).toBeNull();
      expect(parseLoomFast(bad)).toBeNull();
    }
  });

  it("parses a whole loom like LoomSchema, and declines one LoomSchema rejects", () => {
    const env = sequentialEnv();
    const loom = createLoom({ seed: "Once", sessionId: "s" }, env);
    const a = addCandidates(
      loom,
      loom.rootId,
      [
        { text: " a", stepLogprob: -1 },
        { text: " b", tokens: [{ text: " b", logprob: -2 }] },
      ],
      { env },
    );
    choose(loom, a.decisionId, a.nodeIds[1]!, "human", "b", env);
    addCandidates(loom, a.nodeIds[1]!, [{ text: " c" }], { env });
    const json = JSON.parse(JSON.stringify(loom));
    const fast = parseLoomFast(structuredClone(json));
    expect(fast).not.toBeNull();
    expect(JSON.stringify(fast)).toBe(JSON.stringify(LoomSchema.parse(json)));

    const broken = structuredClone(json);
    broken.nodes[a.nodeIds[0]!].stepLogprob = "high";
    expect(parseLoomFast(structuredClone(broken))).toBeNull();
    expect(LoomSchema.safeParse(broken).success).toBe(false);
    const badFrame = structuredClone(json);
    badFrame.currentPath = [];
    expect(parseLoomFast(badFrame)).toBeNull();
  });
});
