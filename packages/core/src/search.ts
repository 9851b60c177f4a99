// Search a loom: every node whose text, selection reason or tags hold the query, with where it sits in the tree.
import type { Loom } from "./loom.js";
import { rootPath } from "./text.js";

export interface SearchHit {
  nodeId: string;
  /** Where the query was found. */
  field: "text" | "reason" | "tag";
  /** The match with up to `context` characters either side, on one line. */
  snippet: string;
  /** Steps from the root (the root is 0). */
  depth: number;
  /** The last node its path shares with the current path (the branch point), or null when it is on the current path. */
  branchesFrom: string | null;
  /** root … node, when asked for (`paths: true`): a deep loom's paths are long. */
  path?: string[];
}

export interface SearchOptions {
  /** Include pruned subtrees (hidden by default). */
  includePruned?: boolean;
  /** At most this many hits (default 100). */
  limit?: number;
  /** Characters shown either side of the match (default 30). */
  context?: number;
  /** Give each hit its whole root path. */
  paths?: boolean;
}

function snippetOf(text: string, at: number, length: number, context: number): string {
  const start = Math.max(0, at - context);
  const end = Math.min(text.length, at + length + context);
  return `${start > 0 ? "…" : ""}${text.slice(start, end)}${end < text.length ? "…" : ""}`.replace(/\s+/g, " ");
}

function findIn(source: string, field: SearchHit["field"], needle: string) {
  const at = source.toLowerCase().indexOf(needle);
  return at < 0 ? null : { field, source, at };
}

function firstTag(tags: readonly string[] | undefined, needle: string) {
  for (const tag of tags ?? []) {
    const found = findIn(tag, "tag", needle);
    if (found) return found;
  }
  return null;
}

interface Place {
  depth: number;
  /** Nearest ancestor-or-self on the current path. */
  onPath: string;
  pruned: boolean;
}

/**
 * Where nodes sit, worked out once per node however many hits ask: each walk up stops at the first node already
 * placed, so placing every node of a loom is linear in its size.
 */
function placer(loom: Loom): (id: string) => Place {
  const placed = new Map<string, Place>();
  const pruned = new Set(loom.pruned);
  let hidden = false;
  loom.currentPath.forEach((id, depth) => {
    hidden ||= pruned.has(id);
    placed.set(id, { depth, onPath: id, pruned: hidden });
  });
  return (id) => {
    const walk: string[] = [];
    let at: string | null = id;
    let base: Place | undefined;
    while (at !== null && (base = placed.get(at)) === undefined) {
      walk.push(at);
      at = loom.nodes[at]?.parentId ?? null;
    }
    let place = base ?? { depth: -1, onPath: loom.rootId, pruned: false };
    for (let i = walk.length - 1; i >= 0; i--) {
      const w = walk[i]!;
      place = { depth: place.depth + 1, onPath: place.onPath, pruned: place.pruned || pruned.has(w) };
      placed.set(w, place);
    }
    return placed.get(id)!;
  };
}

/**
 * Case-insensitive search of node texts, the reasons nodes were chosen for, and tags, in the loom's node order.
 * The query is matched as written (a word or a phrase); an empty query finds nothing.
 */
export function searchLoom(loom: Loom, query: string, options: SearchOptions = {}): SearchHit[] {
  const needle = query.trim().toLowerCase();
  if (needle === "") return [];
  const limit = options.limit ?? 100;
  const context = options.context ?? 30;
  const place = placer(loom);
  const hits: SearchHit[] = [];
  for (const id in loom.nodes) {
    if (hits.length >= limit) break;
    const node = loom.nodes[id]!;
    const found =
      findIn(node.text, "text", needle) ??
      (node.selectionReason !== null ? findIn(node.selectionReason, "reason", needle) : null) ??
      firstTag(loom.tags[id], needle);
    if (found === null) continue;
    const where = place(id);
    if (where.pruned && !options.includePruned) continue;
    hits.push({
      nodeId: id,
      field: found.field,
      snippet: snippetOf(found.source, found.at, needle.length, context),
      depth: where.depth,
      branchesFrom: where.onPath === id ? null : where.onPath,
      ...(options.paths ? { path: rootPath(loom, id) } : {}),
    });
  }
  return hits;
}
