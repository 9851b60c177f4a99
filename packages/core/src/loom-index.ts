// A derived, in-memory index of a loom (children of each node), built once and kept current by applyOp.
import type { Loom } from "./loom.js";

interface Index {
  children: Map<string, string[]>;
}

const indexes = new WeakMap<Loom, Index>();

function build(loom: Loom): Index {
  const children = new Map<string, string[]>();
  for (const node of Object.values(loom.nodes)) {
    if (node.parentId === null) continue;
    const list = children.get(node.parentId);
    if (list) list.push(node.id);
    else children.set(node.parentId, [node.id]);
  }
  return { children };
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

/** Called by applyOp after adding a node, so an existing index stays current. */
export function noteNodeAdded(loom: Loom, nodeId: string, parentId: string): void {
  const index = indexes.get(loom);
  if (!index) return;
  const list = index.children.get(parentId);
  if (list) list.push(nodeId);
  else index.children.set(parentId, [nodeId]);
}

/** Forget the derived index (after mutating a loom other than through applyOp). */
export function invalidateIndex(loom: Loom): void {
  indexes.delete(loom);
}
