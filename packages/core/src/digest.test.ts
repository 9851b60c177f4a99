// A loom's digest survives JSON and its schema unchanged, and a narrower tree window cut from it equals the window computed afresh.
import { describe, expect, it } from "vitest";
import {
  addCandidates,
  checkout,
  choose,
  createLoom,
  LoomDigestSchema,
  loomDigest,
  narrowWindow,
  sequentialEnv,
  treeWindow,
} from "./index.js";
import { seededRandom } from "./internal.js";
/** A path of 105 steps with three candidates each, and detours grown off it now and then. */
function sample() {
  const env = sequentialEnv();
  const rand = seededRandom(3);
  const loom = createLoom({ seed: "S" }, env);
  const grow = (n: number) => {
    for (let i = 0; i < n; i++) {
      const a = addCandidates(
        loom,
        loom.currentPath.at(-1)!,
        [0, 1, 2].map((k) => ({ text: ` s${k}`, stepLogprob: -rand() * 5 })),
        { env },
      );
      choose(loom, a.decisionId, a.nodeIds[Math.floor(rand() * 3)]!, "auto", "r", env);
    }
  };
  for (let round = 0; round < 7; round++) {
    grow(15);
    const back = loom.currentPath.at(-1)!;
    const fork = loom.currentPath.at(-3)!;
    const off = Object.values(loom.nodes).find((n) => n.parentId === fork && !loom.currentPath.includes(n.id))!;
    checkout(loom, off.id);
    grow(round);
    checkout(loom, back);
  }
  return loom;
}

describe("loomDigest", () => {
  it("reads back through JSON and its schema as it was", () => {
    const d = loomDigest(sample());
    expect(LoomDigestSchema.parse(JSON.parse(JSON.stringify(d)))).toEqual(d);
    expect(d.decisions.rows).toHaveLength(100);
    expect(d.tree.rows.some((r) => r.hiddenDescendants > 0)).toBe(true);
  });

  it("a window cut from a wider one equals the window computed for that width", () => {
    const loom = sample();
    const wide = treeWindow(loom, { around: 50, depth: 0 });
    for (let around = 0; around <= 50; around++) {
      expect(narrowWindow(wide, around)).toEqual(treeWindow(loom, { around, depth: 0 }));
    }
    expect(narrowWindow(wide, 51)).toBeNull();
  });
});
