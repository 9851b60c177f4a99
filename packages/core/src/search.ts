// Search a loom: every node whose text, selection reason or tags hold the query, with the path to it.
import type { Loom } from "./loom.js";
import { isPruned } from "./tree-ops.js";
import { rootPath } from "./text.js";

export interface SearchHit {
  nodeId: string;
  /** Where the query was found. */
  field: "text" | "reason" | "tag";
  /** The match with up to `context` characters either side, on one line. */
  snippet: string;
  /** root … node. */
  path: string[];
}

export interface SearchOptions {
  /** Include pruned subtrees (hidden by default). */
  includePruned?: boolean;
  /** At most this many hits (default 100). */
  limit?: number;
  /** Characters shown either side of the match (default 30). */
  context?: number;
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

/**
 * Case-insensitive search of node texts, the reasons nodes were chosen for, and tags, in the loom's node order.
 * The query is matched as written (a word or a phrase); an empty query finds nothing.
 */
export function searchLoom(loom: Loom, query: string, options: SearchOptions = {}): SearchHit[] {
  const needle = query.trim().toLowerCase();
  if (needle === "") return [];
  const limit = options.limit ?? 100;
  const context = options.context ?? 30;
  const hits: SearchHit[] = [];
  for (const id in loom.nodes) {
    if (hits.length >= limit) break;
    const node = loom.nodes[id]!;
    const found =
      findIn(node.text, "text", needle) ??
      (node.selectionReason !== null ? findIn(node.selectionReason, "reason", needle) : null) ??
      firstTag(loom.tags[id], needle);
    if (found === null) continue;
    const { field, source, at } = found;
    if (!options.includePruned && isPruned(loom, id)) continue;
    hits.push({ nodeId: id, field, snippet: snippetOf(source, at, needle.length, context), path: rootPath(loom, id) });
  }
  return hits;
}
