// Turns a session's nodes and decisions into a laid-out tree (d3-hierarchy) with a display status per node.
import { hierarchy, tree, type HierarchyPointNode } from "d3-hierarchy";
import type { DecisionSummary, NodeSummary } from "./api-client.js";

export type NodeStatus = "root" | "path" | "chosen" | "rejected" | "open" | "edited";

export interface TreeDatum {
  node: NodeSummary;
  status: NodeStatus;
  /** A clarification was asked about this node (it was in tension) or under it. */
  clarification: boolean;
  children: TreeDatum[];
}

export interface LaidOutTree {
  root: HierarchyPointNode<TreeDatum>;
  nodes: HierarchyPointNode<TreeDatum>[];
  byId: Map<string, HierarchyPointNode<TreeDatum>>;
  decisions: Map<string, DecisionSummary>;
}

export const ROW = 22;
export const COLUMN = 150;

function statusOf(node: NodeSummary, onPath: Set<string>, decision: DecisionSummary | undefined): NodeStatus {
  if (node.parentId === null) return "root";
  if (onPath.has(node.id)) return "path";
  if (!decision || decision.action === null) return "open";
  if (decision.chosenNodeId === node.id) return "chosen";
  if (node.origin === "edit") return "edited";
  // Decided (choose or stop, or clarify still pending) and not this one.
  return decision.action === "clarify" ? "open" : "rejected";
}

/** What the tree is drawn from: every known node in creation order, the decisions, and the current path. */
export interface TreeSource {
  nodes: Iterable<NodeSummary>;
  decisions: Map<string, DecisionSummary>;
  currentPath: readonly string[];
}

export function layoutTree(source: TreeSource): LaidOutTree | null {
  const decisions = source.decisions;
  const onPath = new Set(source.currentPath);
  const clarifiedParents = new Set<string>();
  const inTension = new Set<string>();
  for (const d of decisions.values()) {
    if (d.clarificationQuestion === null) continue;
    clarifiedParents.add(d.parentNodeId);
    for (const id of d.candidatesInTension ?? []) inTension.add(id);
  }
  const data = new Map<string, TreeDatum>();
  let rootDatum: TreeDatum | null = null;
  // Nodes arrive in creation order, so a parent is always seen before its children.
  for (const node of source.nodes) {
    const datum: TreeDatum = {
      node,
      status: statusOf(node, onPath, node.decisionId ? decisions.get(node.decisionId) : undefined),
      clarification: clarifiedParents.has(node.id) || inTension.has(node.id),
      children: [],
    };
    data.set(node.id, datum);
    if (node.parentId === null) rootDatum = datum;
    else data.get(node.parentId)?.children.push(datum);
  }
  if (!rootDatum) return null;
  const root = tree<TreeDatum>()
    .nodeSize([ROW, COLUMN])
    .separation((a, b) => (a.parent === b.parent ? 1 : 1.4))(hierarchy(rootDatum));
  const nodes = root.descendants();
  const byId = new Map(nodes.map((n) => [n.data.node.id, n] as const));
  return { root, nodes, byId, decisions };
}
