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

const RUN_OF_SPACE = /\s+/g;
const NOT_ONE_SPACE = /\s\s|[^\S ]/;

function snippetOf(text: string, at: number, length: number, context: number): string {
  const start = Math.max(0, at - context);
  const end = Math.min(text.length, at + length + context);
  const body = text.slice(start, end);
  const line = NOT_ONE_SPACE.test(body) ? body.replace(RUN_OF_SPACE, " ") : body;
  return start > 0 ? (end < text.length ? `…${line}…` : `…${line}`) : end < text.length ? `${line}…` : line;
}

/** Matches the query case-insensitively in the text as written, so offsets are the text's own (lower-casing a
 * text can change its length, e.g. "İ", which would shift every snippet after it). */
function matcherOf(needle: string): RegExp {
  return new RegExp(needle.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&"), "iu");
}

/** Where the first tag holding the query is, as [tag, offset], or null. */
function tagMatch(tags: readonly string[] | undefined, matcher: RegExp): [string, number] | null {
  if (tags === undefined) return null;
  for (const tag of tags) {
    const at = tag.search(matcher);
    if (at >= 0) return [tag, at];
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
 * Where nodes sit, worked out once per node however many hits ask: a walk up stops at the first node already
 * placed and places every node it passed, so placing every node of a loom is linear in its size. The asked node
 * itself is not kept: most hits are leaves no later walk passes through.
 */
function placer(loom: Loom): (id: string) => Place {
  const placed = new Map<string, Place>();
  const pruned = new Set(loom.pruned);
  let hidden = false;
  loom.currentPath.forEach((id, depth) => {
    hidden ||= pruned.has(id);
    placed.set(id, { depth, onPath: id, pruned: hidden });
  });
  const walk: string[] = [];
  const unplaced: Place = { depth: -1, onPath: loom.rootId, pruned: false };
  return (id) => {
    const known = placed.get(id);
    if (known !== undefined) return known;
    walk.length = 0;
    let at: string | null = loom.nodes[id]?.parentId ?? null;
    let base: Place | undefined;
    while (at !== null && (base = placed.get(at)) === undefined) {
      walk.push(at);
      at = loom.nodes[at]?.parentId ?? null;
    }
    let place = base ?? unplaced;
    for (let i = walk.length - 1; i >= 0; i--) {
      const w = walk[i]!;
      place = { depth: place.depth + 1, onPath: place.onPath, pruned: place.pruned || pruned.has(w) };
      placed.set(w, place);
    }
    return { depth: place.depth + 1, onPath: place.onPath, pruned: place.pruned || pruned.has(id) };
  };
}

/**
 * Case-insensitive search of node texts, the reasons nodes were chosen for, and tags, in the loom's node order.
 * The query is matched as written (a word or a phrase); an empty query finds nothing.
 */
export function searchLoom(loom: Loom, query: string, options: SearchOptions = {}): SearchHit[] {
  const needle = query.trim();
  if (needle === "") return [];
  const matcher = matcherOf(needle);
  const limit = options.limit ?? 100;
  const context = options.context ?? 30;
  const place = placer(loom);
  const hits: SearchHit[] = [];
  // String.search gives the offset without building a match object: most nodes do not match, and those that do
  // need only where.
  for (const id in loom.nodes) {
    if (hits.length >= limit) break;
    const node = loom.nodes[id]!;
    let field: SearchHit["field"] = "text";
    let source = node.text;
    let at = source.search(matcher);
    if (at < 0 && node.selectionReason !== null) {
      field = "reason";
      source = node.selectionReason;
      at = source.search(matcher);
    }
    if (at < 0) {
      const tagged = tagMatch(loom.tags[id], matcher);
      if (tagged === null) continue;
      field = "tag";
      [source, at] = tagged;
    }
    const where = place(id);
    if (where.pruned && !options.includePruned) continue;
    const hit: SearchHit = {
      nodeId: id,
      field,
      snippet: snippetOf(source, at, needle.length, context),
      depth: where.depth,
      branchesFrom: where.onPath === id ? null : where.onPath,
    };
    if (options.paths) hit.path = rootPath(loom, id);
    hits.push(hit);
  }
  return hits;
}
