// The current path as rows: which entries an op changed, so a commit rewrites only those (not the whole path).
import type { Loom } from "@loom/core";

/** The path entries a commit writes: every depth from `from` on is replaced by `ids` (with their texts as JSON). */
export interface PathWrite {
  from: number;
  ids: string[];
  textsJson: string[];
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

/** The rows of `loom`'s current path from depth `from` on. */
export function pathWrite(loom: Loom, from: number): PathWrite {
  const ids = loom.currentPath.slice(from);
  return { from, ids, textsJson: ids.map((id) => JSON.stringify(loom.nodes[id]?.text ?? "")) };
}
