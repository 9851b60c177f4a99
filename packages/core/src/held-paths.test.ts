import { describe, expect, it } from "vitest";
import {
  addCandidates,
  applyOp,
  choose,
  createLoom,
  currentText,
  heldPathRows,
  heldTip,
  holdPath,
  LoomError,
  type LoomOp,
  sequentialEnv,
  switchPath,
  undo,
} from "./index.js";

/** A seed with two branches under it: "x" + " left" + " on" (current) and "x" + " right". */
function twoBranches() {
  const env = sequentialEnv();
  const loom = createLoom({ seed: "x" }, env);
  const ops: LoomOp[] = [];
  const d = addCandidates(loom, loom.rootId, [{ text: " left" }, { text: " right" }], { env });
  ops.push(d.op);
  ops.push(choose(loom, d.decisionId, d.nodeIds[0]!, "human", "left", env));
  const e = addCandidates(loom, d.nodeIds[0]!, [{ text: " on" }], { env });
  ops.push(e.op, choose(loom, e.decisionId, e.nodeIds[0]!, "human", "on", env));
  return { env, loom, ops, left: e.nodeIds[0]!, right: d.nodeIds[1]! };
}

describe("held paths", () => {
  it("a switch holds the path left and checks out the target; switching back swaps again", () => {
    const { env, loom, left, right } = twoBranches();
    switchPath(loom, right, env);
    expect(currentText(loom)).toBe("x right");
    expect(heldPathRows(loom)).toMatchObject([{ heldId: "h1", tipId: left, depth: 2, textEnd: "x left on" }]);
    expect(heldTip(loom, "h1")).toBe(left);
    switchPath(loom, heldTip(loom, "h1")!, env);
    expect(currentText(loom)).toBe("x left on");
    // The path switched to is no longer held; the one left is.
    expect(loom.heldPaths.map((p) => p.at(-1))).toEqual([right]);
  });

  it("held ids name held paths only; bad ones fail without changing the loom", () => {
    const { env, loom, left, right } = twoBranches();
    expect(heldTip(loom, left)).toBeNull();
    expect(() => heldTip(loom, "h1")).toThrow(/none is held/);
    holdPath(loom, right);
    expect(heldTip(loom, "h1")).toBe(right);
    expect(() => heldTip(loom, "h2")).toThrow(/h1…h1/);
    const before = JSON.stringify(loom);
    expect(() => switchPath(loom, left, env)).toThrow(LoomError);
    expect(() => switchPath(loom, "n_nope", env)).toThrow(/no node/);
    expect(JSON.stringify(loom)).toBe(before);
  });

  it("a switch to a node further along the current path keeps no copy of the shorter path", () => {
    const { env, loom, left, right } = twoBranches();
    switchPath(loom, right, env);
    switchPath(loom, loom.rootId, env);
    expect(loom.heldPaths.map((p) => p.at(-1))).toEqual([left, right]);
    switchPath(loom, right, env);
    expect(loom.heldPaths.map((p) => p.at(-1))).toEqual([left]);
  });

  it("is journaled: replaying the ops gives the same paths, and undo takes a switch back", () => {
    const { env, loom, ops, left, right } = twoBranches();
    ops.push(switchPath(loom, right, env));
    const replayed = createLoom({ seed: "x" }, sequentialEnv());
    for (const op of ops) applyOp(replayed, op);
    expect(replayed.currentPath).toEqual(loom.currentPath);
    expect(replayed.heldPaths).toEqual(loom.heldPaths);
    undo(loom, env);
    expect(currentText(loom)).toBe("x left on");
    expect(loom.heldPaths).toEqual([]);
    expect(loom.currentPath.at(-1)).toBe(left);
  });
});
