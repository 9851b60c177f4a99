// Counting the tokens of the current path (for maxTokensTotal), incrementally as the tip advances.
import type { Loom, LoomNode } from "@loom/core";

/** A node's length in tokens: its tokens when the generator gave them, else about 4 characters a token. */
export function nodeTokenCount(node: LoomNode): number {
  if (node.origin === "seed") return 0;
  return node.tokens?.length ?? Math.ceil(node.text.length / 4);
}

/** Remembers the count for the last tip it saw, so extending the path by one node costs O(1). */
export class PathTokenCounter {
  private tip: string | null = null;
  private count = 0;

  measure(loom: Loom): number {
    const path = loom.currentPath;
    const tip = path[path.length - 1]!;
    if (tip === this.tip) return this.count;
    const parent = loom.nodes[tip]?.parentId ?? null;
    if (this.tip !== null && parent === this.tip) {
      this.count += nodeTokenCount(loom.nodes[tip]!);
    } else {
      this.count = 0;
      for (const id of path) this.count += nodeTokenCount(loom.nodes[id]!);
    }
    this.tip = tip;
    return this.count;
  }
}
