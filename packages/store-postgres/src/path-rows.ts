// The current path as rows of PATH_CHUNK entries: which entries an op changed, so a commit rewrites only the chunks holding them.
import type { Loom } from "@loom/core";
import type { TransactionSql } from "postgres";
import { encodePathText } from "./path-text.js";

/**
 * Entries per chunk of `loom_path_chunks`: chunk k holds depths k·PATH_CHUNK … (k+1)·PATH_CHUNK − 1, in one row once
 * full (a chunk not yet full is a row per commit that grew it: schema 8), so `show` reads ~depth / 128 rows. The
 * migration that built chunks from older rows (backfill-path-chunks.ts) uses this too, and loom_commit (schema 8)
 * joins a chunk's rows when it holds 128: rows written with another size would not line up.
 */
export const PATH_CHUNK = 128;

/** One row of `loom_path_chunks` as written. */
export interface PathChunk {
  chunk: number;
  /** The entries' node ids as JSON string literals joined by commas (a JSON array without its brackets). */
  ids: string;
  /** The entries' texts one after another, each as path-text.ts encodes it. */
  texts: string;
  /** Each entry's text length in UTF-16 code units, joined by commas. */
  lengths: string;
}

/**
 * What a commit writes of the path: every chunk from `fromChunk` on is replaced by `chunks`; or, with `keep` set,
 * chunk `fromChunk` keeps its first `keep` entries and `chunks[0]` (same number) holds only the entries appended to
 * it, the rest replacing every later chunk.
 */
export interface PathWrite {
  fromChunk: number;
  keep?: number;
  chunks: PathChunk[];
}

/**
 * The chunks of path entries `ids` (with `textOf` their texts), the first being chunk `first`, which already holds
 * `filled` entries (the first part then holds only what is appended to it).
 */
export function pathChunks(
  ids: readonly string[],
  textOf: (id: string) => string,
  first: number,
  filled = 0,
): PathChunk[] {
  const chunks: PathChunk[] = [];
  for (let at = 0, chunk = first; at < ids.length; chunk++) {
    const end = at + PATH_CHUNK - (chunk === first ? filled : 0);
    const part = ids.slice(at, end);
    at = end;
    const texts = part.map(textOf);
    chunks.push({
      chunk,
      ids: part.map((id) => JSON.stringify(id)).join(","),
      texts: texts.map(encodePathText).join(""),
      lengths: texts.map((t) => t.length).join(","),
    });
  }
  return chunks;
}

/** The path as last queued for commit, to tell which of its entries the next op changed. */
export class PathTracker {
  #ids: string[];
  readonly #depthOf = new Map<string, number>();

  constructor(path: readonly string[]) {
    this.#ids = path.slice();
    this.#ids.forEach((id, depth) => this.#depthOf.set(id, depth));
  }

  /**
   * The first depth whose entry the op changed, or null: where the ids part from the queued ones, or a touched
   * node on the path (its text may have been edited). `touched` null means anything may have changed.
   * Comparing ids is a pointer comparison per entry; only the changed tail is copied.
   */
  changedFrom(path: readonly string[], touched: readonly string[] | null): number | null {
    const ids = this.#ids;
    const common = Math.min(path.length, ids.length);
    let from: number | null = null;
    let i = 0;
    while (i < common && path[i] === ids[i]) i++;
    if (i < common || path.length !== ids.length) from = i;
    if (touched === null) from = 0;
    else {
      for (const id of touched) {
        const depth = this.#depthOf.get(id);
        if (depth !== undefined && (from === null || depth < from)) from = depth;
      }
    }
    if (from === null) return null;
    for (let k = from; k < ids.length; k++) this.#depthOf.delete(ids[k]!);
    ids.length = from;
    for (let k = from; k < path.length; k++) {
      ids.push(path[k]!);
      this.#depthOf.set(path[k]!, k);
    }
    return from;
  }
}

/**
 * The chunks of `loom`'s current path from the one holding depth `from` on. `written`: the path's length as the rows
 * hold it, entries before `from` unchanged. When the path only grew from there (a choice extends it, the usual
 * commit) only the new entries are sent, a row of the chunk at the old tip (`keep`: where they start in it): up to
 * 127 entries' ids and texts, encoded and sent again on every commit, were most of what a commit allocated after
 * its nodes.
 */
export function pathWrite(loom: Loom, from: number, written = -1): PathWrite {
  const fromChunk = Math.floor(from / PATH_CHUNK);
  const keep = from - fromChunk * PATH_CHUNK;
  const textOf = (id: string) => loom.nodes[id]?.text ?? "";
  if (from === written && keep > 0) {
    const chunks = pathChunks(loom.currentPath.slice(from), textOf, fromChunk, keep);
    return { fromChunk, keep, chunks };
  }
  return { fromChunk, chunks: pathChunks(loom.currentPath.slice(fromChunk * PATH_CHUNK), textOf, fromChunk) };
}

/** Chunk rows per insert when a whole path is written: bounded statements (~1 MB) however deep the path. */
const INSERT_ROWS = 100;

/** Insert `chunks` as session `id`'s path chunks, in transaction `tx` (creation, and the migration to chunks). */
export async function insertPathChunks(tx: TransactionSql, id: string, chunks: readonly PathChunk[]): Promise<void> {
  for (let at = 0; at < chunks.length; at += INSERT_ROWS) {
    const part = chunks.slice(at, at + INSERT_ROWS);
    await tx`insert into loom_path_chunks (session_id, chunk, ids, texts, lengths)
      select ${id}, t.chunk, t.ids, t.texts, t.lengths
      from unnest(${part.map((c) => c.chunk)}::integer[], ${part.map((c) => c.ids)}::text[],
        ${part.map((c) => c.texts)}::text[], ${part.map((c) => c.lengths)}::text[]) as t(chunk, ids, texts, lengths)`;
  }
}
