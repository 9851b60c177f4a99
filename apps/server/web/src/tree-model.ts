// Turns a session's nodes and decisions into the tree's data: a display status per node, and parent indices for the layout.
import type { NodeSummary, TreeDecision } from "./api-client.js";

export type NodeStatus = "root" | "path" | "chosen" | "rejected" | "open" | "edited" | "pruned";

export interface TreeDatum {
  node: NodeSummary;
  status: NodeStatus;
  /** A clarification was asked about this node (it was in tension) or under it. */
  clarification: boolean;
  /** Nodes below it that are not drawn because it is collapsed (0 when it is not). */
  hidden: number;
}

/** A node placed on the canvas: x across the tree, y along its depth. */
export interface LaidNode {
  x: number;
  y: number;
  parent: LaidNode | null;
  children: LaidNode[];
  data: TreeDatum;
}

export interface LaidOutTree {
  nodes: LaidNode[];
  byId: Map<string, LaidNode>;
}

/** The tree's data before layout: one datum per node and each node's parent index (-1 for the root). */
export interface TreeData {
  data: TreeDatum[];
  parents: Int32Array;
}

function statusOf(
  node: NodeSummary,
  onPath: Set<string>,
  decision: TreeDecision | undefined,
  partial: boolean,
): NodeStatus {
  if (node.parentId === null) return "root";
  if (onPath.has(node.id)) return "path";
  // A glance has no decisions: what is off the path was not taken.
  if (partial) return "rejected";
  if (!decision || decision.action === null) return "open";
  if (decision.chosenNodeId === node.id) return "chosen";
  if (node.origin === "edit") return "edited";
  // Decided (choose or stop, or clarify still pending) and not this one.
  return decision.action === "clarify" ? "open" : "rejected";
}

/** What the tree is drawn from: every known node in creation order, the decisions, and the current path. */
export interface TreeSource {
  nodes: Iterable<NodeSummary>;
  decisions: Map<string, TreeDecision>;
  currentPath: readonly string[];
  /** A glance before the session is read: a part of the tree, without decisions. */
  partial?: boolean;
  /** Roots of pruned subtrees: left out, or drawn as pruned when `showPruned`. */
  pruned?: ReadonlySet<string>;
  showPruned?: boolean;
  /** Nodes whose subtrees are folded away. */
  collapsed?: ReadonlySet<string>;
  /** Show only this node's subtree, drawn as if it were the whole tree. */
  hoist?: string | null;
}

/** Statuses and parent indices of the nodes to draw: parents before children, whatever order the nodes came in. */
export function treeData(source: TreeSource): TreeData {
  const decisions = source.decisions;
  const onPath = new Set(source.currentPath);
  const clarifiedParents = new Set<string>();
  const inTension = new Set<string>();
  for (const d of decisions.values()) {
    if (d.clarificationQuestion === null) continue;
    clarifiedParents.add(d.parentNodeId);
    for (const id of d.candidatesInTension ?? []) inTension.add(id);
  }
  // Children by parent, in the order the nodes came: a node moved under a younger one still finds its parent.
  const children = new Map<string | null, NodeSummary[]>();
  const known = new Map<string, NodeSummary>();
  for (const node of source.nodes) {
    known.set(node.id, node);
    const list = children.get(node.parentId);
    if (list) list.push(node);
    else children.set(node.parentId, [node]);
  }
  const pruned = source.pruned ?? new Set<string>();
  const collapsed = source.collapsed ?? new Set<string>();
  const hoisted = source.hoist ? known.get(source.hoist) : undefined;
  const starts = hoisted ? [hoisted] : (children.get(null) ?? []);
  const data: TreeDatum[] = [];
  const parents: number[] = [];
  const stack: { node: NodeSummary; parent: number; underPruned: boolean }[] = starts
    .map((node) => ({ node, parent: -1, underPruned: false }))
    .reverse();
  const countBelow = (id: string): number => {
    let n = 0;
    const walk = [...(children.get(id) ?? [])];
    while (walk.length) {
      const c = walk.pop()!;
      n++;
      walk.push(...(children.get(c.id) ?? []));
    }
    return n;
  };
  while (stack.length) {
    const { node, parent, underPruned } = stack.pop()!;
    const isPruned = underPruned || pruned.has(node.id);
    if (isPruned && !source.showPruned) continue;
    const at = data.length;
    const folded = collapsed.has(node.id) && node.id !== hoisted?.id;
    parents.push(parent);
    data.push({
      node,
      status: isPruned
        ? "pruned"
        : statusOf(node, onPath, node.decisionId ? decisions.get(node.decisionId) : undefined, source.partial === true),
      clarification: clarifiedParents.has(node.id) || inTension.has(node.id),
      hidden: folded ? countBelow(node.id) : 0,
    });
    if (folded) continue;
    const kids = children.get(node.id) ?? [];
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ node: kids[i]!, parent: at, underPruned: isPruned });
  }
  return { data, parents: Int32Array.from(parents) };
}

/** Join the data with the positions the layout gave. */
export function placeTree(tree: TreeData, positions: Float64Array): LaidOutTree {
  const nodes: LaidNode[] = [];
  const byIndex: (LaidNode | null)[] = new Array(tree.data.length).fill(null);
  const byId = new Map<string, LaidNode>();
  for (let i = 0; i < tree.data.length; i++) {
    const x = positions[2 * i]!;
    if (Number.isNaN(x)) continue;
    const p = tree.parents[i]!;
    const parent = p >= 0 ? byIndex[p]! : null;
    const n: LaidNode = { x, y: positions[2 * i + 1]!, parent, children: [], data: tree.data[i]! };
    parent?.children.push(n);
    byIndex[i] = n;
    nodes.push(n);
    byId.set(n.data.node.id, n);
  }
  return { nodes, byId };
}
