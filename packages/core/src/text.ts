// The text of a node or path, computed from segments along the root path (linear in depth and length).
import { LoomError } from "./errors.js";
import type { Loom } from "./loom.js";

export function getNode(loom: Loom, nodeId: string) {
  const node = loom.nodes[nodeId];
  if (!node) throw new LoomError("unknown_node", `no node with id "${nodeId}"`);
  return node;
}

const CYCLE_CHECK_FROM = 4096;

/** Node ids from the root to `nodeId`, inclusive. */
export function rootPath(loom: Loom, nodeId: string): string[] {
  const path: string[] = [];
  // A path longer than the loom has nodes means a cycle. Counting the nodes is O(n), so only do it once
  // the path is long enough for the question to arise.
  let limit = CYCLE_CHECK_FROM;
  let id: string | null = nodeId;
  while (id !== null) {
    path.push(id);
    if (path.length > limit) {
      const count = Object.keys(loom.nodes).length;
      if (path.length > count) throw new LoomError("invariant", `cycle in the parent chain of "${nodeId}"`);
      limit = count;
    }
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

/** A path's text cut back into each node's own text, given each one's length (as readers of a stored path get them). */
export function splitSegments(text: string, segments: readonly number[]): string[] {
  const out = new Array<string>(segments.length);
  let at = 0;
  for (let i = 0; i < segments.length; i++) {
    out[i] = text.slice(at, at + segments[i]!);
    at += segments[i]!;
  }
  return out;
}
