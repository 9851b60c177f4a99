// purgePruned: the loom without its pruned subtrees names no node it dropped, keeps every visible node, and passes the invariants.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addCandidates,
  applyTreeWork,
  choose,
  createLoom,
  findInvariantViolations,
  isPruned,
  type Loom,
  LoomError,
  purgePruned,
  sequentialEnv,
  type TreeWork,
} from "./index.js";

/** Steps of three candidates, one chosen by a human (which one varies), as a session grows. */
function grown(steps: number, picks: number[]) {
  const env = sequentialEnv();
  const loom = createLoom({ seed: "The well" }, env);
  for (let i = 0; i < steps; i++) {
    const a = addCandidates(
      loom,
      loom.currentPath.at(-1)!,
      [{ text: ` a${i}` }, { text: ` b${i}` }, { text: ` c${i}` }],
      {
        env,
      },
    );
    choose(loom, a.decisionId, a.nodeIds[picks[i % picks.length]! % 3]!, "human", "fits", env);
  }
  return { loom, env };
}

const workArb = fc.record({
  action: fc.constantFrom("prune", "edit", "move", "bookmark", "tag", "checkout", "split", "undo"),
  a: fc.nat(),
  b: fc.nat(),
});

describe("purgePruned", () => {
  it("drops exactly the pruned subtrees and leaves a loom that holds its invariants, after any tree work", () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(2), { minLength: 1, maxLength: 4 }),
        fc.array(workArb, { maxLength: 14 }),
        (picks, works) => {
          const { loom, env } = grown(4, picks);
          for (const w of works) {
            const ids = Object.keys(loom.nodes);
            const nodeId = ids[w.a % ids.length]!;
            const other = ids[w.b % ids.length]!;
            const work: TreeWork =
              w.action === "edit"
                ? { action: "edit", nodeId, text: " edited" }
                : w.action === "move"
                  ? { action: "move", nodeId, parentId: other }
                  : w.action === "tag"
                    ? { action: "tag", nodeId, tag: "t" }
                    : w.action === "split"
                      ? { action: "split", nodeId, offset: 1 }
                      : w.action === "undo"
                        ? { action: "undo" }
                        : { action: w.action, nodeId };
            try {
              applyTreeWork(loom, work, env);
            } catch (err) {
              if (!(err instanceof LoomError)) throw err;
            }
          }
          const visible = Object.keys(loom.nodes).filter((id) => !isPruned(loom, id));
          const purged = purgePruned(loom);
          expect(findInvariantViolations(purged)).toEqual([]);
          expect(Object.keys(purged.nodes).sort()).toEqual(visible.sort());
          expect(purged.pruned).toEqual([]);
          expect(purged.undo).toEqual([]);
          // The loom it was made from is untouched.
          expect(findInvariantViolations(loom)).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("a decision whose chosen candidate was pruned is open again; the other candidates stay with it", () => {
    const { loom, env } = grown(2, [0]);
    const chosen = loom.currentPath[1]!;
    const decision = loom.nodes[chosen]!.decisionId!;
    applyTreeWork(loom, { action: "prune", nodeId: chosen }, env);
    const purged: Loom = purgePruned(loom);
    const d = purged.decisions[decision]!;
    expect(d.action).toBeNull();
    expect(d.chosenNodeId).toBeNull();
    expect(d.candidateNodeIds).toHaveLength(2);
    expect(purged.nodes[chosen]).toBeUndefined();
    // Everything chosen under the pruned node went with it.
    expect(Object.keys(purged.decisions)).toEqual([decision]);
    expect(purged.currentPath).toEqual([loom.rootId]);
  });
});
