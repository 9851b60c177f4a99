// The writer's tree work as loom mutations: split, merge, prune, reparent, bookmarks and tags. Each checks first and changes nothing when it does not fit.
import { LoomError } from "./errors.js";
import type { Loom } from "./loom.js";
import { childrenOf, decisionsUnder, invalidateIndex } from "./loom-index.js";
import type { LoomNode, Token } from "./node.js";
import { TokenList } from "./token-list.js";
import { getNode, rootPath } from "./text.js";

/** Recompute the current path and the held paths from their tips, after parents changed under them. */
export function refreshPaths(loom: Loom): void {
  loom.currentPath = rootPath(loom, loom.currentPath[loom.currentPath.length - 1]!);
  loom.heldPaths = loom.heldPaths.map((p) => rootPath(loom, p[p.length - 1]!));
}

/** Whether `nodeId` is `ancestorId` or lies under it. */
export function isUnder(loom: Loom, nodeId: string, ancestorId: string): boolean {
  let id: string | null = nodeId;
  while (id !== null) {
    if (id === ancestorId) return true;
    id = getNode(loom, id).parentId;
  }
  return false;
}

/** The tokens of a node divided at a text offset, when the offset falls between two tokens whose texts make up the node's. */
function divideTokens(node: LoomNode, offset: number): [Token[], Token[]] | null {
  const tokens = node.tokens ? node.tokens.toArray() : null;
  if (!tokens || tokens.map((t) => t.text).join("") !== node.text) return null;
  let length = 0;
  for (let i = 0; i <= tokens.length; i++) {
    if (length === offset) return [tokens.slice(0, i), tokens.slice(i)];
    if (i < tokens.length) length += tokens[i]!.text.length;
  }
  return null;
}

/** The sum of the tokens' logprobs, or null when there are none or any lacks one (a partial sum would mislead). */
export function sumOf(tokens: readonly Token[]): number | null {
  if (tokens.length === 0) return null;
  let sum = 0;
  for (const t of tokens) {
    if (t.logprob === undefined) return null;
    sum += t.logprob;
  }
  return sum;
}

/** The ids `splitNode` changes besides the node itself: its children and the decisions opened under it. */
export function splitTouches(loom: Loom, nodeId: string): { nodes: string[]; decisions: string[] } {
  return { nodes: [nodeId, ...childrenOf(loom, nodeId)], decisions: [...decisionsUnder(loom, nodeId)] };
}

/**
 * Split a node at a character offset: the node keeps the text before it, a new child `newNodeId` gets the text
 * after it, and what hung under the node (children, decisions) hangs under the new child. Tokens are divided
 * when the offset falls on a token boundary; otherwise neither part keeps tokens (the undo record keeps them).
 */
export function applySplit(loom: Loom, nodeId: string, offset: number, newNodeId: string, at: string): void {
  const node = getNode(loom, nodeId);
  if (!Number.isInteger(offset) || offset <= 0 || offset >= node.text.length) {
    throw new LoomError(
      "invalid_operation",
      `split offset ${offset} is outside node "${nodeId}" (its text has ${node.text.length} characters; give 1–${node.text.length - 1})`,
    );
  }
  const code = node.text.charCodeAt(offset);
  if (code >= 0xdc00 && code <= 0xdfff) {
    throw new LoomError("invalid_operation", `split offset ${offset} falls inside a character of node "${nodeId}"`);
  }
  if (loom.nodes[newNodeId]) throw new LoomError("duplicate_id", `a node with id "${newNodeId}" already exists`);
  const parts = divideTokens(node, offset);
  const children = [...childrenOf(loom, nodeId)];
  const decisions = [...decisionsUnder(loom, nodeId)];
  const tail: LoomNode = {
    ...node,
    id: newNodeId,
    parentId: nodeId,
    text: node.text.slice(offset),
    tokens: parts ? TokenList.from(parts[1]) : null,
    stepLogprob: parts ? sumOf(parts[1]) : null,
    decisionId: null,
    scores: {},
    createdAt: at,
    replacesId: null,
    meta: { ...node.meta, splitFrom: nodeId },
  };
  loom.nodes[nodeId] = {
    ...node,
    text: node.text.slice(0, offset),
    tokens: parts ? TokenList.from(parts[0]) : null,
    stepLogprob: parts ? sumOf(parts[0]) : null,
  };
  loom.nodes[newNodeId] = tail;
  for (const id of children) loom.nodes[id] = { ...loom.nodes[id]!, parentId: newNodeId };
  for (const id of decisions) loom.decisions[id] = { ...loom.decisions[id]!, parentNodeId: newNodeId };
  for (const [moved, from] of Object.entries(loom.movedFrom)) if (from === nodeId) loom.movedFrom[moved] = newNodeId;
  // A path that ended at the node now ends at its second part, so it still reads the whole text.
  if (loom.currentPath[loom.currentPath.length - 1] === nodeId) loom.currentPath.push(newNodeId);
  loom.heldPaths = loom.heldPaths.map((p) => (p[p.length - 1] === nodeId ? [...p, newNodeId] : p));
  invalidateIndex(loom);
  refreshPaths(loom);
}

/** The node `mergeNode` would fold into `nodeId`, or an error saying why there is none. */
export function mergeChild(loom: Loom, nodeId: string): LoomNode {
  getNode(loom, nodeId);
  const children = childrenOf(loom, nodeId);
  if (children.length !== 1) {
    throw new LoomError(
      "invalid_operation",
      `node "${nodeId}" has ${children.length} children; merge needs exactly one (prune the others first, or choose another node)`,
    );
  }
  const child = getNode(loom, children[0]!);
  if (child.decisionId !== null) {
    throw new LoomError(
      "invalid_operation",
      `node "${child.id}" was offered as a candidate of decision "${child.decisionId}"; merging it away would drop it from the record (edit "${nodeId}" instead)`,
    );
  }
  return child;
}

/** Merge a node with its single child (one made by a split or an edit): one node with both texts, the child's children under it. */
export function applyMerge(loom: Loom, nodeId: string): void {
  const child = mergeChild(loom, nodeId);
  const node = getNode(loom, nodeId);
  const a = node.tokens?.toArray() ?? null;
  const b = child.tokens?.toArray() ?? null;
  const tokens = a && b ? [...a, ...b] : null;
  const grandchildren = [...childrenOf(loom, child.id)];
  const decisions = [...decisionsUnder(loom, child.id)];
  loom.nodes[nodeId] = {
    ...node,
    text: node.text + child.text,
    tokens: tokens ? TokenList.from(tokens) : null,
    stepLogprob: tokens ? sumOf(tokens) : null,
  };
  delete loom.nodes[child.id];
  for (const id of grandchildren) loom.nodes[id] = { ...loom.nodes[id]!, parentId: nodeId };
  for (const id of decisions) loom.decisions[id] = { ...loom.decisions[id]!, parentNodeId: nodeId };
  for (const [moved, from] of Object.entries(loom.movedFrom)) if (from === child.id) loom.movedFrom[moved] = nodeId;
  delete loom.movedFrom[child.id];
  // The child's marks carry over to the node that now holds its text.
  if (loom.bookmarks.includes(child.id)) {
    loom.bookmarks = loom.bookmarks.filter((id) => id !== child.id);
    if (!loom.bookmarks.includes(nodeId)) loom.bookmarks.push(nodeId);
  }
  if (loom.tags[child.id]) {
    loom.tags[nodeId] = [...new Set([...(loom.tags[nodeId] ?? []), ...loom.tags[child.id]!])];
    delete loom.tags[child.id];
  }
  loom.pruned = loom.pruned.filter((id) => id !== child.id);
  const tip = loom.currentPath[loom.currentPath.length - 1]!;
  if (tip === child.id) loom.currentPath = loom.currentPath.slice(0, -1);
  loom.heldPaths = loom.heldPaths.map((p) => (p[p.length - 1] === child.id ? p.slice(0, -1) : p));
  invalidateIndex(loom);
  refreshPaths(loom);
}

/** Whether `nodeId` is hidden: it or one of its ancestors was pruned. */
export function isPruned(loom: Loom, nodeId: string): boolean {
  if (loom.pruned.length === 0) return false;
  const pruned = new Set(loom.pruned);
  let id: string | null = nodeId;
  while (id !== null) {
    if (pruned.has(id)) return true;
    id = loom.nodes[id]?.parentId ?? null;
  }
  return false;
}

/** Hide a subtree from views and exports (the record keeps it); a current path running through it steps back to the node's parent. */
export function applyPrune(loom: Loom, nodeId: string): void {
  const node = getNode(loom, nodeId);
  if (node.parentId === null) throw new LoomError("invalid_operation", "the seed (root) cannot be pruned");
  if (loom.pruned.includes(nodeId)) throw new LoomError("invalid_operation", `node "${nodeId}" is already pruned`);
  loom.pruned = [...loom.pruned, nodeId];
  const at = loom.currentPath.indexOf(nodeId);
  if (at >= 0) loom.currentPath = loom.currentPath.slice(0, at);
}

/** Show a pruned subtree again. */
export function applyUnprune(loom: Loom, nodeId: string): void {
  getNode(loom, nodeId);
  if (!loom.pruned.includes(nodeId)) throw new LoomError("invalid_operation", `node "${nodeId}" is not pruned`);
  loom.pruned = loom.pruned.filter((id) => id !== nodeId);
}

/** Move a subtree under another node; refused for the root, onto itself or its own subtree (a cycle). */
export function applyReparent(loom: Loom, nodeId: string, parentId: string): void {
  const node = getNode(loom, nodeId);
  getNode(loom, parentId);
  if (node.parentId === null) throw new LoomError("invalid_operation", "the seed (root) cannot be moved");
  if (node.parentId === parentId)
    throw new LoomError("invalid_operation", `node "${nodeId}" is already under "${parentId}"`);
  if (isUnder(loom, parentId, nodeId)) {
    throw new LoomError(
      "invalid_operation",
      `cannot move "${nodeId}" under "${parentId}": "${parentId}" is inside the subtree being moved (that would make a cycle)`,
    );
  }
  // The record keeps where the node's decision offered it, so the decision still reads true.
  const offeredUnder = node.decisionId === null ? null : (loom.decisions[node.decisionId]?.parentNodeId ?? null);
  loom.nodes[nodeId] = { ...node, parentId };
  const movedFrom = { ...loom.movedFrom };
  if (offeredUnder === null || offeredUnder === parentId) delete movedFrom[nodeId];
  else movedFrom[nodeId] = offeredUnder;
  loom.movedFrom = movedFrom;
  invalidateIndex(loom);
  refreshPaths(loom);
}

/** Add or remove a bookmark. */
export function applyBookmark(loom: Loom, nodeId: string, on: boolean): void {
  getNode(loom, nodeId);
  const has = loom.bookmarks.includes(nodeId);
  if (on && !has) loom.bookmarks = [...loom.bookmarks, nodeId];
  if (!on && !has) throw new LoomError("invalid_operation", `node "${nodeId}" has no bookmark`);
  if (!on) loom.bookmarks = loom.bookmarks.filter((id) => id !== nodeId);
}

/** Add or remove a tag on a node. */
export function applyTag(loom: Loom, nodeId: string, tag: string, on: boolean): void {
  getNode(loom, nodeId);
  const tags = loom.tags[nodeId] ?? [];
  if (on) {
    if (!tags.includes(tag)) loom.tags = { ...loom.tags, [nodeId]: [...tags, tag] };
    return;
  }
  if (!tags.includes(tag)) throw new LoomError("invalid_operation", `node "${nodeId}" has no tag "${tag}"`);
  const rest = tags.filter((t) => t !== tag);
  const next = { ...loom.tags };
  if (rest.length) next[nodeId] = rest;
  else delete next[nodeId];
  loom.tags = next;
}
