// The step number of a decision, as the keyboard header and a run's progress count it (1 for the first choice after the seed), and decisions as rows that carry it.
import type { DecisionEvent } from "./decision-event.js";
import type { Loom } from "./loom.js";

/**
 * A memoised depth lookup: each node's depth is computed once, however many decisions ask. Only the nodes'
 * parent links are read, from a loom's nodes record or from a map of them (analysis keeps its nodes in one).
 */
export function stepCounter(loom: {
  nodes:
    | Readonly<Record<string, { parentId: string | null } | undefined>>
    | ReadonlyMap<string, { parentId: string | null }>;
}): (parentNodeId: string) => number {
  const nodes = loom.nodes;
  const parentOf =
    nodes instanceof Map
      ? (id: string) => nodes.get(id)?.parentId ?? null
      : (id: string) =>
          (nodes as Readonly<Record<string, { parentId: string | null } | undefined>>)[id]?.parentId ?? null;
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
      id = parentOf(id);
    }
    for (let i = chain.length - 1; i >= 0; i--) depth.set(chain[i]!, ++known);
    // A decision under a node at depth d (the seed is 0) is step d + 1.
    return depth.get(parentNodeId)! + 1;
  };
}

/** A decision with what a listing of it needs from the rest of the loom: its step and the chosen candidate's text. */
export interface DecisionRow {
  decision: DecisionEvent;
  step: number;
  chosenText: string | null;
}

export function decisionRows(loom: Loom, decisions: readonly DecisionEvent[]): DecisionRow[] {
  const stepOf = stepCounter(loom);
  return decisions.map((decision) => ({
    decision,
    step: stepOf(decision.parentNodeId),
    chosenText: decision.chosenNodeId ? (loom.nodes[decision.chosenNodeId]?.text ?? null) : null,
  }));
}
