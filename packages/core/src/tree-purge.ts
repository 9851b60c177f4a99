// The loom without its pruned subtrees (what `export --purge` writes): a copy that names no node it dropped, so it loads and passes the invariants.
import type { DecisionEvent } from "./decision-event.js";
import type { Loom } from "./loom.js";
import { childrenOf } from "./loom-index.js";
import type { LoomNode } from "./node.js";

/** Every node hidden by a prune: the pruned roots and everything under them. */
export function prunedNodeIds(loom: Loom): Set<string> {
  const out = new Set<string>();
  const stack = loom.pruned.filter((id) => loom.nodes[id] !== undefined);
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (out.has(id)) continue;
    out.add(id);
    stack.push(...childrenOf(loom, id));
  }
  return out;
}

/**
 * A copy of the loom with the pruned subtrees dropped. What referred to a dropped node is mended, never left
 * dangling: candidates leave their decisions (a decision whose chosen candidate went is open again, one whose
 * candidates all went is dropped), an edit of a dropped node no longer names it, paths stop before it, marks on
 * it go. Undo and redo are emptied, since their images hold the dropped text.
 */
export function purgePruned(loom: Loom): Loom {
  const gone = prunedNodeIds(loom);
  if (gone.size === 0) return { ...loom, undo: [], redo: [] };
  const keep = (id: string) => !gone.has(id);

  const decisions: Record<string, DecisionEvent> = {};
  for (const [id, d] of Object.entries(loom.decisions)) {
    if (gone.has(d.parentNodeId)) continue;
    const candidates = d.candidateNodeIds.filter(keep);
    if (candidates.length === 0) continue;
    const lostChoice = d.chosenNodeId !== null && gone.has(d.chosenNodeId);
    const scores = Object.fromEntries(Object.entries(d.candidateScores).filter(([c]) => keep(c)));
    decisions[id] = {
      ...d,
      candidateNodeIds: candidates,
      ranking: d.ranking ? d.ranking.filter(keep) : null,
      candidateScores: scores,
      candidatesInTension: d.candidatesInTension ? d.candidatesInTension.filter(keep) : null,
      ...(lostChoice
        ? { action: null, chosenNodeId: null, chosenBy: null, chosenLogprob: null, logprobGap: null, resolvedAt: null }
        : {}),
    };
  }

  const nodes: Record<string, LoomNode> = {};
  for (const [id, n] of Object.entries(loom.nodes)) {
    if (gone.has(id)) continue;
    const decisionGone = n.decisionId !== null && decisions[n.decisionId] === undefined;
    const replacedGone = n.replacesId !== null && gone.has(n.replacesId);
    nodes[id] =
      decisionGone || replacedGone
        ? { ...n, ...(decisionGone ? { decisionId: null } : {}), ...(replacedGone ? { replacesId: null } : {}) }
        : n;
  }

  const cut = (path: readonly string[]) => {
    const at = path.findIndex((id) => gone.has(id));
    return at < 0 ? [...path] : path.slice(0, at);
  };
  const movedFrom = Object.fromEntries(
    Object.entries(loom.movedFrom).filter(([id, from]) => keep(id) && keep(from) && nodes[id]!.decisionId !== null),
  );
  return {
    ...loom,
    nodes,
    decisions,
    currentPath: cut(loom.currentPath),
    heldPaths: loom.heldPaths.filter((p) => p.every(keep)),
    pruned: [],
    bookmarks: loom.bookmarks.filter(keep),
    tags: Object.fromEntries(Object.entries(loom.tags).filter(([id]) => keep(id))),
    movedFrom,
    undo: [],
    redo: [],
  };
}

/** The loom as views and exports show it: itself when nothing is pruned, else the purged copy. */
export function visibleLoom(loom: Loom): Loom {
  return loom.pruned.length === 0 ? loom : purgePruned(loom);
}
