// The text of a node or path, computed from segments along the root path (linear in depth and length).
import { LoomError } from "./errors.js";
import type { Loom } from "./loom.js";

export function getNode(loom: Loom, nodeId: string) {
  const node = loom.nodes[nodeId];
  if (!node) throw new LoomError("unknown_node", `no node with id "${nodeId}"`);
  return node;
}

/** Node ids from the root to `nodeId`, inclusive. */
export function rootPath(loom: Loom, nodeId: string): string[] {
  const path: string[] = [];
  const limit = Object.keys(loom.nodes).length;
  let id: string | null = nodeId;
  while (id !== null) {
    path.push(id);
    if (path.length > limit) throw new LoomError("invariant", `cycle in the parent chain of "${nodeId}"`);
    id = getNode(loom, id).parentId;
  }
  return path.reverse();
}

/** The concatenated text of the given node ids, in order. */
export function pathText(loom: Loom, path: readonly string[]): string {
  const parts: string[] = new Array(path.length);
  for (let i = 0; i < path.length; i++) parts[i] = getNode(loom, path[i]!).text;
  return parts.join("");
}

/** The full text of a node: its root path's segments joined. */
export function nodeText(loom: Loom, nodeId: string): string {
  return pathText(loom, rootPath(loom, nodeId));
}

/** The text of the current path. */
export function currentText(loom: Loom): string {
  return pathText(loom, loom.currentPath);
}

/** The id of the node at the tip of the current path. */
export function currentTip(loom: Loom): string {
  return loom.currentPath[loom.currentPath.length - 1]!;
}
