// Turns a session's nodes and decisions into the tree's data: a display status per node, and parent indices for the layout.
import type { NodeSummary, TreeDecision } from "./api-client.js";

export type NodeStatus = "root" | "path" | "chosen" | "rejected" | "open" | "edited";

export interface TreeDatum {
  node: NodeSummary;
  status: NodeStatus;
  /** A clarification was asked about this node (it was in tension) or under it. */
  clarification: boolean;
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
}

/** Statuses and parent indices of every known node; a node whose parent is unknown is left out. */
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
  const index = new Map<string, number>();
  const data: TreeDatum[] = [];
  const parents: number[] = [];
  // Nodes arrive in creation order, so a parent is always seen before its children.
  for (const node of source.nodes) {
    const parent = node.parentId === null ? -1 : index.get(node.parentId);
    if (parent === undefined) continue;
    index.set(node.id, data.length);
    parents.push(parent);
    data.push({
      node,
      status: statusOf(
        node,
        onPath,
        node.decisionId ? decisions.get(node.decisionId) : undefined,
        source.partial === true,
      ),
      clarification: clarifiedParents.has(node.id) || inTension.has(node.id),
    });
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
