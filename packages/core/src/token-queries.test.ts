// Token divergences: along the path, tokens that were not the model's favourite and that it gave a low probability.
import { describe, expect, it } from "vitest";
import { addCandidates, choose, createLoom, leftArgmax, sequentialEnv, tokenDivergences } from "./index.js";

const lp = Math.log;

describe("token queries", () => {
  it("leftArgmax compares with the first alternative, by id when both have one, else by text", () => {
    expect(leftArgmax({ text: " a", logprob: lp(0.2), top: [{ text: " the", logprob: lp(0.6) }] })).toBe(true);
    expect(leftArgmax({ text: " the", logprob: lp(0.6), top: [{ text: " the", logprob: lp(0.6) }] })).toBe(false);
    // Same text, another id (two tokens that print alike): still not the favourite.
    expect(leftArgmax({ text: "a", id: 3, logprob: -2, top: [{ text: "a", logprob: -1, id: 4 }] })).toBe(true);
    expect(leftArgmax({ text: " a", logprob: -2 })).toBe(false);
    expect(leftArgmax({ text: " a", top: [{ text: " b", logprob: -1 }] })).toBe(false);
  });

  it("lists unlikely non-favourite tokens across the path, in order, with their offsets", () => {
    const env = sequentialEnv();
    const loom = createLoom({ seed: "Once" }, env);
    const steps = [
      [
        { text: " upon", logprob: lp(0.9), top: [{ text: " upon", logprob: lp(0.9) }] },
        { text: " a", logprob: lp(0.05), top: [{ text: " the", logprob: lp(0.7) }] },
      ],
      [
        { text: " time", logprob: lp(0.08), top: [{ text: " time", logprob: lp(0.08) }] }, // the favourite, however flat
        { text: " wolf", logprob: lp(0.3), top: [{ text: " there", logprob: lp(0.5) }] },
      ],
    ];
    for (const tokens of steps) {
      const added = addCandidates(
        loom,
        loom.currentPath.at(-1)!,
        [{ text: tokens.map((t) => t.text).join(""), tokens }],
        { env },
      );
      choose(loom, added.decisionId, added.nodeIds[0]!, "human", "r", env);
    }
    const [, first, second] = loom.currentPath;
    expect(tokenDivergences(loom)).toEqual([
      {
        nodeId: first,
        tokenIndex: 1,
        offset: 9,
        text: " a",
        logprob: lp(0.05),
        argmax: { text: " the", logprob: lp(0.7) },
      },
    ]);
    expect(tokenDivergences(loom, { maxProbability: 0.4 }).map((d) => [d.nodeId, d.tokenIndex, d.offset])).toEqual([
      [first, 1, 9],
      [second, 1, 16],
    ]);
    expect(tokenDivergences(loom, { path: loom.currentPath.slice(0, 2), maxProbability: 0.4 })).toHaveLength(1);
  });
});
