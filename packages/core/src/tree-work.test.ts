// Tree work as ops: split, merge, prune, reparent, bookmarks, tags, and undo/redo of them and of choose, write and checkout.
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addCandidates,
  addHumanNode,
  applyOp,
  bookmarkNode,
  branchAtToken,
  checkout,
  choose,
  createLoom,
  currentText,
  editNode,
  findInvariantViolations,
  isPruned,
  type Loom,
  LoomError,
  type LoomOp,
  LoomSchema,
  mergeNode,
  pruneNode,
  redo,
  reparentNode,
  searchLoom,
  sequentialEnv,
  splitNode,
  tagNode,
  switchPath,
  undo,
  unpruneNode,
} from "./index.js";

/** The loom as a reader sees it, without the undo record (what undo must give back exactly). */
function shape(loom: Loom): unknown {
  const { undo: _u, redo: _r, ...rest } = JSON.parse(JSON.stringify(loom)) as Loom;
  return rest;
}

/** A loom grown as a session grows it: steps of three generated candidates with tokens, the first chosen by a human. */
function grown(steps: number) {
  const env = sequentialEnv();
  const loom = createLoom({ seed: "The river" }, env);
  const ops: LoomOp[] = [];
  for (let i = 0; i < steps; i++) {
    const tip = loom.currentPath.at(-1)!;
    const words = [` ran${i}`, ` slept${i}`, ` sang${i}`];
    const added = addCandidates(
      loom,
      tip,
      words.map((w, k) => ({
        text: `${w} on`,
        tokens: [
          {
            text: w,
            logprob: -0.5 - k,
            top: [
              { text: w, logprob: -0.5 - k },
              { text: " flew", logprob: -3, id: 7 },
            ],
          },
          { text: " on", logprob: -0.25 },
        ],
      })),
      { env },
    );
    ops.push(added.op);
    ops.push(choose(loom, added.decisionId, added.nodeIds[0]!, "human", "fits", env));
  }
  return { loom, env, ops, initial: createLoom({ seed: "The river" }, sequentialEnv()) };
}

describe("tree work", () => {
  it("split keeps the text and divides tokens on a boundary; merge puts the node back as it was", () => {
    const { loom, env } = grown(3);
    const before = currentText(loom);
    const target = loom.currentPath[2]!;
    const original = structuredClone(JSON.parse(JSON.stringify(loom.nodes[target])));
    const { nodeId: tail } = splitNode(loom, target, loom.nodes[target]!.text.indexOf(" on"), env);
    expect(currentText(loom)).toBe(before);
    expect(loom.currentPath).toContain(tail);
    expect(loom.nodes[target]!.tokens!.toArray().map((t) => t.text)).toEqual([" ran1"]);
    expect(loom.nodes[tail]!.tokens!.toArray().map((t) => t.text)).toEqual([" on"]);
    expect(loom.nodes[tail]!.stepLogprob).toBe(-0.25);
    expect(findInvariantViolations(loom)).toEqual([]);
    mergeNode(loom, target, env);
    expect(JSON.parse(JSON.stringify(loom.nodes[target]))).toEqual(original);
    expect(currentText(loom)).toBe(before);
    expect(findInvariantViolations(loom)).toEqual([]);
    // Splitting the tip: the path runs on to the second part, so the text reads the same.
    const tip = loom.currentPath.at(-1)!;
    const { nodeId: end } = splitNode(loom, tip, 3, env);
    expect(loom.currentPath.at(-1)).toBe(end);
    expect(currentText(loom)).toBe(before);
  });

  it("refuses what does not fit, naming the node, and changes nothing", () => {
    const { loom, env } = grown(2);
    const snapshot = JSON.stringify(loom);
    const [root, first, second] = loom.currentPath as [string, string, string];
    expect(() => splitNode(loom, first, 0, env)).toThrow(/outside node/);
    expect(() => mergeNode(loom, first, env)).toThrow(/children|candidate/);
    expect(() => pruneNode(loom, root, env)).toThrow(/root/);
    expect(() => reparentNode(loom, first, second, env)).toThrow(/cycle/);
    expect(() => unpruneNode(loom, first, env)).toThrow(/not pruned/);
    expect(() => undo(loom, env)).not.toThrow(); // undoes the last choose
    expect(JSON.stringify(loom)).not.toBe(snapshot);
    const undos = loom.undo.length;
    checkout(loom, loom.currentPath.at(-1)!); // already the tip: no change, nothing recorded
    expect(loom.undo).toHaveLength(undos);
    const fresh = createLoom({ seed: "x" }, env);
    expect(() => undo(fresh, env)).toThrow(LoomError);
    expect(() => redo(fresh, env)).toThrow(/nothing to redo/);
  });

  it("prune hides a subtree from search and steps the path back; unprune shows it again", () => {
    const { loom, env } = grown(3);
    const second = loom.currentPath[2]!;
    pruneNode(loom, second, env);
    expect(loom.currentPath).toHaveLength(2);
    expect(isPruned(loom, loom.nodes[second]!.id)).toBe(true);
    expect(searchLoom(loom, "ran2")).toEqual([]);
    expect(searchLoom(loom, "ran2", { includePruned: true })).toHaveLength(1);
    unpruneNode(loom, second, env);
    const hits = searchLoom(loom, "RAN2", { paths: true });
    expect(hits).toHaveLength(1);
    expect(hits[0]!.path!.at(-1)).toBe(hits[0]!.nodeId);
    expect(hits[0]!.path![0]).toBe(loom.rootId);
    // The tip stepped back out of the pruned branch, so the hit now branches from the path's end.
    expect(hits[0]).toMatchObject({ depth: 3, branchesFrom: loom.currentPath[1] });
    expect(hits[0]!.snippet).toContain("ran2");
    // A rejected candidate branches from the current path at its parent.
    const offPath = searchLoom(loom, "slept1");
    expect(offPath).toEqual([expect.objectContaining({ depth: 2, branchesFrom: loom.currentPath[1] })]);
    expect(offPath[0]!.path).toBeUndefined();
  });

  it("a write (the text and its choice) is one undo; undo of a choose reopens the decision", () => {
    const { loom, env } = grown(2);
    const tipBefore = loom.currentPath.at(-1)!;
    const written = addHumanNode(loom, tipBefore, " and stopped", env);
    choose(loom, written.decisionId, written.nodeId, "human", "written by the human", env);
    expect(currentText(loom)).toMatch(/and stopped$/);
    undo(loom, env);
    expect(loom.nodes[written.nodeId]).toBeUndefined();
    expect(loom.decisions[written.decisionId]).toBeUndefined();
    expect(loom.currentPath.at(-1)).toBe(tipBefore);
    redo(loom, env);
    expect(currentText(loom)).toMatch(/and stopped$/);
    undo(loom, env);
    undo(loom, env); // the human's choice at step 2
    const step2 = Object.values(loom.decisions).find((d) => d.candidateNodeIds.includes(tipBefore))!;
    expect(step2.action).toBeNull();
    expect(loom.nodes[tipBefore]!.chosenBy).toBeNull();
    expect(findInvariantViolations(loom)).toEqual([]);
  });

  it("undo refuses to take back a split once candidates were generated under the new node", () => {
    const { loom, env } = grown(1);
    const tip = loom.currentPath.at(-1)!;
    const { nodeId: tail } = splitNode(loom, tip, 2, env);
    addCandidates(loom, tail, [{ text: " later" }], { env });
    expect(() => undo(loom, env)).toThrow(/added under it/);
    expect(findInvariantViolations(loom)).toEqual([]);
  });

  it("reparent keeps each moved candidate's decision reading true and survives a JSON round trip", () => {
    const { loom, env } = grown(3);
    const [, first, second, third] = loom.currentPath as [string, string, string, string];
    const sibling = Object.values(loom.nodes).find((n) => n.parentId === first && n.id !== second)!;
    reparentNode(loom, third, sibling.id, env);
    expect(loom.movedFrom[third]).toBe(second);
    expect(loom.currentPath).toEqual([loom.rootId, first, sibling.id, third]);
    expect(findInvariantViolations(loom)).toEqual([]);
    bookmarkNode(loom, third, true, env);
    tagNode(loom, third, "keeper", true, env);
    const back = LoomSchema.parse(JSON.parse(JSON.stringify(loom)));
    expect(shape(back)).toEqual(shape(loom));
    expect(back.undo).toHaveLength(loom.undo.length);
    expect(searchLoom(back, "keep")[0]).toMatchObject({ nodeId: third, field: "tag" });
  });

  // Every op, at random targets, on a grown loom: invariants hold after each; undo gives back exactly the loom
  // before it, redo exactly the loom after; replaying the journal from the start gives the same loom.
  it("apply, undo, redo and replay agree for random sequences of tree work", () => {
    const command = fc.oneof(
      fc.record({ kind: fc.constant("split" as const), at: fc.nat(), offset: fc.nat() }),
      fc.record({ kind: fc.constant("merge" as const), at: fc.nat() }),
      fc.record({ kind: fc.constant("prune" as const), at: fc.nat() }),
      fc.record({ kind: fc.constant("unprune" as const), at: fc.nat() }),
      fc.record({ kind: fc.constant("reparent" as const), at: fc.nat(), to: fc.nat() }),
      fc.record({ kind: fc.constant("bookmark" as const), at: fc.nat(), on: fc.boolean() }),
      fc.record({ kind: fc.constant("tag" as const), at: fc.nat(), on: fc.boolean() }),
      fc.record({ kind: fc.constant("checkout" as const), at: fc.nat() }),
      fc.record({ kind: fc.constant("switch" as const), at: fc.nat() }),
      fc.record({ kind: fc.constant("edit" as const), at: fc.nat() }),
      fc.record({ kind: fc.constant("write" as const), at: fc.nat() }),
      fc.record({ kind: fc.constant("generate" as const), at: fc.nat() }),
      fc.record({
        kind: fc.constant("branch" as const),
        at: fc.nat(),
        k: fc.nat(),
        alt: fc.nat(),
        typed: fc.boolean(),
      }),
      fc.record({ kind: fc.constant("undo" as const) }),
      fc.record({ kind: fc.constant("redo" as const) }),
    );
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 25 }), (commands) => {
        const { loom, env, ops, initial } = grown(3);
        for (const c of commands) {
          const ids = Object.keys(loom.nodes);
          const pick = (n: number) => ids[n % ids.length]!;
          const before = shape(loom);
          const textBefore = currentText(loom);
          const journalLength = ops.length;
          const run = (): LoomOp | LoomOp[] => {
            switch (c.kind) {
              case "split": {
                const node = loom.nodes[pick(c.at)]!;
                return splitNode(loom, node.id, 1 + (c.offset % Math.max(1, node.text.length - 1)), env).op;
              }
              case "merge": {
                // Most nodes have several children or a candidate child; aim at nodes a split left one child.
                const split = Object.values(loom.nodes).filter((n) => n.meta.splitFrom !== undefined);
                return mergeNode(loom, split.length ? split[c.at % split.length]!.parentId! : pick(c.at), env);
              }
              case "prune":
                return pruneNode(loom, pick(c.at), env);
              case "unprune":
                return unpruneNode(loom, loom.pruned[c.at % Math.max(1, loom.pruned.length)] ?? pick(c.at), env);
              case "reparent":
                return reparentNode(loom, pick(c.at), pick(c.to), env);
              case "bookmark":
                return bookmarkNode(loom, pick(c.at), c.on, env);
              case "tag":
                return tagNode(loom, pick(c.at), "t", c.on, env);
              case "checkout":
                return checkout(loom, pick(c.at));
              case "switch":
                return switchPath(loom, pick(c.at), env);
              case "edit":
                return editNode(loom, pick(c.at), "edited", env).op;
              case "write": {
                const w = addHumanNode(loom, pick(c.at), " written", env);
                return [w.op, choose(loom, w.decisionId, w.nodeId, "human", "written", env)];
              }
              case "generate":
                return addCandidates(loom, pick(c.at), [{ text: " more" }], { env }).op;
              case "branch": {
                const node = loom.nodes[pick(c.at)]!;
                const k = c.k % Math.max(1, node.tokens?.length ?? 1);
                return branchAtToken(loom, node.id, k, c.typed ? { text: " typed" } : { alternative: c.alt % 3 }, env)
                  .op;
              }
              case "undo":
                return undo(loom, env);
              case "redo":
                return redo(loom, env);
            }
          };
          let applied: LoomOp[];
          try {
            const r = run();
            applied = Array.isArray(r) ? r : [r];
          } catch (error) {
            if (!LoomError.isInstance(error)) throw error;
            // A refused op changes nothing (a write's first half may have landed: then it is in the journal).
            if (c.kind !== "write") expect(shape(loom)).toEqual(before);
            continue;
          }
          ops.push(...applied);
          expect(findInvariantViolations(loom)).toEqual([]);
          // Tree work that only reshapes (split, merge, bookmarks, tags) leaves the text as it was.
          if (["split", "merge", "bookmark", "tag"].includes(c.kind)) expect(currentText(loom)).toBe(textBefore);
          const after = shape(loom);
          // A change that changed nothing (a checkout of the tip) records nothing to undo.
          const undoable = !["generate", "undo", "redo"].includes(c.kind) && !isDeepStrictEqual(before, after);
          if (undoable && ops.length > journalLength) {
            const copy = LoomSchema.parse(JSON.parse(JSON.stringify(loom)));
            undo(copy, env);
            expect(shape(copy)).toEqual(before);
            redo(copy, env);
            expect(shape(copy)).toEqual(after);
          }
        }
        const replayed = initial;
        for (const op of ops) applyOp(replayed, op);
        expect(JSON.parse(JSON.stringify(replayed))).toEqual(JSON.parse(JSON.stringify(loom)));
      }),
      { numRuns: 100, seed: 18 },
    );
  });
});
