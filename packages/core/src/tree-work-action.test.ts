// applyTreeWork: the one dispatch every surface uses journals the op each action names, and undo through it takes each back.
import { describe, expect, it } from "vitest";
import {
  addCandidates,
  applyOp,
  applyTreeWork,
  choose,
  createLoom,
  findInvariantViolations,
  type Loom,
  LoomError,
  sequentialEnv,
  type TreeWork,
} from "./index.js";

function twoSteps() {
  const env = sequentialEnv();
  const loom = createLoom({ seed: "The river" }, env);
  for (let i = 0; i < 2; i++) {
    const a = addCandidates(loom, loom.currentPath.at(-1)!, [{ text: ` ran${i} on` }, { text: ` slept${i}` }], { env });
    choose(loom, a.decisionId, a.nodeIds[0]!, "human", "fits", env);
  }
  return { loom, env };
}

const plain = (loom: Loom) => JSON.parse(JSON.stringify({ ...loom, undo: [], redo: [] }));

describe("applyTreeWork", () => {
  it("journals the op each action names, replays to the same loom, and undo takes every change back", () => {
    const { loom, env } = twoSteps();
    const replay = structuredClone(plain(loom)) as Loom;
    const [, a, b] = loom.currentPath as [string, string, string];
    const sibling = loom.decisions[loom.nodes[b]!.decisionId!]!.candidateNodeIds[1]!;
    const works: [TreeWork, string][] = [
      [{ action: "split", nodeId: a, offset: 5 }, "splitNode"],
      [{ action: "edit", nodeId: b, text: " swam" }, "editNode"],
      [{ action: "tag", nodeId: a, tag: "keeper" }, "tag"],
      [{ action: "bookmark", nodeId: a }, "bookmark"],
      [{ action: "prune", nodeId: sibling }, "prune"],
      [{ action: "prune", nodeId: sibling, restore: true }, "unprune"],
      [{ action: "move", nodeId: sibling, parentId: loom.rootId }, "reparent"],
      [{ action: "checkout", nodeId: a }, "checkout"],
    ];
    const before = plain(loom);
    const ops = [];
    for (const [work, op] of works) {
      const r = applyTreeWork(loom, work, env);
      expect(r.op.op).toBe(op);
      expect(r.madeNodeId === null).toBe(work.action !== "split" && work.action !== "edit");
      if (r.madeNodeId) expect(loom.nodes[r.madeNodeId]).toBeDefined();
      expect(findInvariantViolations(loom)).toEqual([]);
      ops.push(r.op);
    }
    // The journaled ops alone rebuild the same tree.
    for (const op of ops) applyOp(replay, op);
    expect(plain(replay)).toEqual(plain(loom));
    for (let i = 0; i < works.length; i++) expect(applyTreeWork(loom, { action: "undo" }, env).op.op).toBe("undo");
    expect(plain(loom)).toEqual(before);
    expect(applyTreeWork(loom, { action: "redo" }, env).op.op).toBe("redo");
    expect(loom.nodes[a]!.text).toBe(" ran0");
  });

  it("refuses work that does not fit with a LoomError and changes nothing", () => {
    const { loom, env } = twoSteps();
    const before = plain(loom);
    expect(() =>
      applyTreeWork(loom, { action: "move", nodeId: loom.rootId, parentId: loom.currentPath[1]! }, env),
    ).toThrow(LoomError);
    expect(() => applyTreeWork(loom, { action: "split", nodeId: loom.currentPath[1]!, offset: 0 }, env)).toThrow(
      /outside/,
    );
    expect(plain(loom)).toEqual(before);
  });
});
