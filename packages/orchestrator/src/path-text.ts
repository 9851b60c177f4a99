// The text of the current path, cached and extended in O(1) when the tip advances by one node.
import { pathText, type Loom } from "@loom/core";

export class PathTextCache {
  private tip: string | null = null;
  private text = "";

  /** Forget the cached text (the tree changed under the path: a split, a merge, an undo). */
  reset(): void {
    this.tip = null;
    this.text = "";
  }

  current(loom: Loom): string {
    const path = loom.currentPath;
    const tip = path[path.length - 1]!;
    if (tip === this.tip) return this.text;
    const node = loom.nodes[tip]!;
    // V8 concatenates strings as ropes, so appending a segment does not copy the text.
    this.text = this.tip !== null && node.parentId === this.tip ? this.text + node.text : pathText(loom, path);
    this.tip = tip;
    return this.text;
  }
}
