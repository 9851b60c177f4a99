// Tests that the zod-free parsers of a stored config and digest agree with SessionConfigSchema and LoomDigestSchema: the same result when they accept, null whenever zod rejects.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  LoomDigestSchema,
  SessionConfigSchema,
  addCandidates,
  addHumanNode,
  answerClarification,
  choose,
  createLoom,
  defaultSessionConfig,
  loomDigest,
  resolveDecision,
  sequentialEnv,
} from "./index.js";
import { parseDigestFast, parseSessionConfigFast } from "./internal.js";

/** A digest of a loom with each kind of decision row: chosen by a model, a clarification answered, the human's text. */
function sampleDigest(): unknown {
  const env = sequentialEnv();
  const loom = createLoom({ seed: "Once", sessionId: "s", config: defaultSessionConfig({ maxSteps: 9 }) }, env);
  const a = addCandidates(
    loom,
    loom.rootId,
    [
      { text: " a", tokens: [{ text: " a", logprob: -1, top: [{ text: " b", logprob: -2 }] }] },
      { text: " b", stepLogprob: -2 },
    ],
    { env },
  );
  choose(loom, a.decisionId, a.nodeIds[0]!, "selector_llm", "vivid", env);
  const b = addCandidates(loom, a.nodeIds[0]!, [{ text: " c" }, { text: " d" }], { env });
  resolveDecision(
    loom,
    b.decisionId,
    { action: "clarify", chosenBy: "selector_llm", question: "?", candidatesInTension: b.nodeIds, whatHingesOnIt: "x" },
    env,
  );
  answerClarification(
    loom,
    b.decisionId,
    "d",
    { action: "choose", chosenNodeId: b.nodeIds[1]!, chosenBy: "human", reason: "asked" },
    env,
  );
  const h = addHumanNode(loom, b.nodeIds[1]!, " mine", env);
  choose(loom, h.decisionId, h.nodeId, "human", "typed", env);
  return JSON.parse(JSON.stringify(loomDigest(loom)));
}

const oddValues = [undefined, null, "", "x", 0, -1, 1.5, 2 ** 53, NaN, Infinity, true, [], [1], {}, { a: 1 }, 65, 21];

/** Every path to a value in `v` (the first element of each array stands for the rest). */
function paths(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(v)) return v.length ? [at, ...paths(v[0], [...at, 0])] : [at];
  if (typeof v === "object" && v !== null) return [at, ...Object.entries(v).flatMap(([k, x]) => paths(x, [...at, k]))];
  return [at];
}

function setAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  let o = root as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (value === undefined) delete o[last];
  else o[last] = value;
  return root;
}

function agreesWithZod(
  schema: { safeParse: (v: unknown) => { success: boolean; data?: unknown } },
  fast: (v: unknown) => unknown,
  input: unknown,
): void {
  const z = schema.safeParse(structuredClone(input));
  const f = fast(structuredClone(input));
  if (!z.success) expect(f).toBeNull();
  else if (f !== null) expect(JSON.stringify(f)).toBe(JSON.stringify(z.data));
}

const cases = [
  { name: "config", schema: SessionConfigSchema, fast: parseSessionConfigFast, sample: () => defaultSessionConfig() },
  { name: "digest", schema: LoomDigestSchema, fast: parseDigestFast, sample: sampleDigest },
];

describe.each(cases)("the zod-free $name parser", ({ schema, fast, sample }) => {
  it("accepts what the writer stores, exactly as zod reads it (unknown keys dropped)", () => {
    const stored = sample();
    expect(fast(structuredClone(stored))).not.toBeNull();
    agreesWithZod(schema, fast, stored);
    agreesWithZod(schema, fast, { ...(stored as object), extra: 1 });
  });

  it("returns null whenever zod rejects a value, wherever it is", () => {
    const stored = sample();
    const all = paths(stored);
    fc.assert(
      fc.property(fc.constantFrom(...all.keys()), fc.constantFrom(...oddValues.keys()), (p, v) => {
        agreesWithZod(schema, fast, setAt(structuredClone(stored), all[p]!, oddValues[v]));
      }),
      { numRuns: 1500 },
    );
    for (const bad of [null, "x", [], 3]) expect(fast(bad)).toBeNull();
  });
});
