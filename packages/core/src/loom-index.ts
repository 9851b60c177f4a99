// A derived, in-memory index of a loom (children and decisions of each node, pending clarifications), kept current by applyOp.
import type { DecisionEvent } from "./decision-event.js";
import type { Loom } from "./loom.js";

interface Index {
  children: Map<string, string[]>;
  /** Decision ids by parent node, in the order they were opened. */
  decisions: Map<string, string[]>;
  /** Decisions that were resolved as clarify; an answered one is dropped when next looked at. */
  clarifying: Set<string>;
}

const indexes = new WeakMap<Loom, Index>();

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const isPending = (d: DecisionEvent | undefined): d is DecisionEvent =>
  !!d && d.action === "clarify" && d.humanResponse === null;

function build(loom: Loom): Index {
  const index: Index = { children: new Map(), decisions: new Map(), clarifying: new Set() };
  for (const node of Object.values(loom.nodes))
    if (node.parentId !== null) push(index.children, node.parentId, node.id);
  for (const d of Object.values(loom.decisions)) {
    push(index.decisions, d.parentNodeId, d.id);
    if (isPending(d)) index.clarifying.add(d.id);
  }
  return index;
}

function indexOf(loom: Loom): Index {
  let index = indexes.get(loom);
  if (!index) {
    index = build(loom);
    indexes.set(loom, index);
  }
  return index;
}

/** Ids of a node's children, in creation order. */
export function childrenOf(loom: Loom, nodeId: string): readonly string[] {
  return indexOf(loom).children.get(nodeId) ?? [];
}

/** Ids of the decisions made (or open) under a node, in the order they were opened. */
export function decisionsUnder(loom: Loom, nodeId: string): readonly string[] {
  return indexOf(loom).decisions.get(nodeId) ?? [];
}

/** The open (undecided) decision under a node, if any. */
export function openDecisionAt(loom: Loom, nodeId: string): string | null {
  for (const id of decisionsUnder(loom, nodeId)) if (loom.decisions[id]?.action === null) return id;
  return null;
}

/** The stop decision made under a node, if any. */
export function stopDecisionAt(loom: Loom, nodeId: string): DecisionEvent | null {
  for (const id of decisionsUnder(loom, nodeId)) {
    const d = loom.decisions[id];
    if (d?.action === "stop") return d;
  }
  return null;
}

/** A clarification still waiting for the human's answer, if any. */
export function pendingClarification(loom: Loom): DecisionEvent | null {
  const { clarifying } = indexOf(loom);
  for (const id of clarifying) {
    const d = loom.decisions[id];
    if (isPending(d)) return d;
    clarifying.delete(id);
  }
  return null;
}

/** Called by applyOp after adding a node, so an existing index stays current. */
export function noteNodeAdded(loom: Loom, nodeId: string, parentId: string): void {
  const index = indexes.get(loom);
  if (index) push(index.children, parentId, nodeId);
}

/** Called by applyOp after opening a decision. */
export function noteDecisionOpened(loom: Loom, decisionId: string, parentId: string): void {
  const index = indexes.get(loom);
  if (index) push(index.decisions, parentId, decisionId);
}

/** Called by applyOp after a decision was resolved as clarify. */
export function noteClarifying(loom: Loom, decisionId: string): void {
  indexes.get(loom)?.clarifying.add(decisionId);
}

/** Forget the derived index (after mutating a loom other than through applyOp). */
export function invalidateIndex(loom: Loom): void {
  indexes.delete(loom);
}
