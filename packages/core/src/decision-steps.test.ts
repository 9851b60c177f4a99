// stepCounter numbers a decision by its parent's depth, reading parent links from a loom's nodes record or from a map.
import { describe, expect, it } from "vitest";
import { stepCounter } from "./decision-steps.js";

describe("stepCounter", () => {
  // root ← a ← b ← c, and a branch root ← x
  const links: [string, string | null][] = [
    ["root", null],
    ["a", "root"],
    ["b", "a"],
    ["c", "b"],
    ["x", "root"],
  ];
  const record = Object.fromEntries(links.map(([id, parentId]) => [id, { parentId }]));
  const map = new Map(links.map(([id, parentId]) => [id, { parentId }]));

  it("gives 1 under the seed and one more per level, the same from a record and a map, in any order asked", () => {
    for (const nodes of [record, map]) {
      const stepOf = stepCounter({ nodes });
      expect(["c", "root", "x", "b", "a"].map(stepOf)).toEqual([4, 1, 2, 3, 2]);
    }
  });

  it("counts a node whose parent is missing as sitting under the seed (a pruned ancestor)", () => {
    const stepOf = stepCounter({ nodes: new Map([["orphan", { parentId: "gone" }]]) });
    expect(stepOf("orphan")).toBe(2);
  });
});
