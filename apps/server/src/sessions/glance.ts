// What the page shows of a session before it is open: the path's text and the tree around the tip, from @loom/io's stored digest (a few KB read, however big the session).
import { loomStats, splitSegments, treeWindow, type Loom, type LoomStats, type TreeRow } from "@loom/core";
import type { SessionView } from "@loom/io";

/** Steps of the current path above the tip that a glance's tree shows. */
export const GLANCE_AROUND = 10;

export interface Glance {
  id: string;
  /** Where it came from: the open session, the snapshot's digest, or a whole read (no digest to use). */
  read: "open" | "digest" | "full";
  /** Node ids of the current path, root … tip, and each one's text. */
  path: string[];
  texts: string[];
  stats: Pick<LoomStats, "nodes" | "decisions" | "depth">;
  /** The tree around the tip, parents before children, branches folded at their first node. */
  tree: Pick<TreeRow, "id" | "parentId" | "onCurrentPath" | "text" | "stepLogprob" | "chosenBy">[];
}

function rows(list: readonly TreeRow[]): Glance["tree"] {
  return list.map((r) => ({
    id: r.id,
    parentId: r.parentId,
    onCurrentPath: r.onCurrentPath,
    text: r.text,
    stepLogprob: r.stepLogprob,
    chosenBy: r.chosenBy,
  }));
}

export function glanceOfView(view: SessionView): Glance {
  return {
    id: view.sessionId,
    read: view.read,
    path: view.path,
    texts: splitSegments(view.text ?? "", view.segments),
    stats: { nodes: view.stats.nodes, decisions: view.stats.decisions, depth: view.stats.depth },
    tree: rows(view.tree.rows),
  };
}

export function glanceOfLoom(loom: Loom): Glance {
  const stats = loomStats(loom);
  return {
    id: loom.sessionId,
    read: "open",
    path: loom.currentPath,
    texts: loom.currentPath.map((id) => loom.nodes[id]!.text),
    stats: { nodes: stats.nodes, decisions: stats.decisions, depth: stats.depth },
    tree: rows(treeWindow(loom, { around: GLANCE_AROUND, depth: 0 }).rows),
  };
}
