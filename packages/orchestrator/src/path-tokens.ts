// Counting the tokens of the current path (for maxTokensTotal), incrementally as the tip advances.
import { nodeTokenCount, type Loom } from "@loom/core";

/** Remembers the count for the last tip it saw, so extending the path by one node costs O(1). */
export class PathTokenCounter {
  private tip: string | null = null;
  private count = 0;

  /** Forget the cached count (the tree changed under the path). */
  reset(): void {
    this.tip = null;
    this.count = 0;
  }

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
