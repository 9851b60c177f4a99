// The step number of a decision, as the keyboard header and the run's progress count it: 1 for the first choice after the seed.
import type { Loom } from "@loom/core";

/** A memoised depth lookup: each node's depth is computed once, however many decisions ask. */
export function stepCounter(loom: Loom): (parentNodeId: string) => number {
  const depth = new Map<string, number>();
  return (parentNodeId) => {
    const chain: string[] = [];
    let id: string | null = parentNodeId;
    let known = -1;
    while (id !== null) {
      const d = depth.get(id);
      if (d !== undefined) {
        known = d;
        break;
      }
      chain.push(id);
      id = loom.nodes[id]?.parentId ?? null;
    }
    for (let i = chain.length - 1; i >= 0; i--) depth.set(chain[i]!, ++known);
    // A decision under a node at depth d (the seed is 0) is step d + 1.
    return depth.get(parentNodeId)! + 1;
  };
}
