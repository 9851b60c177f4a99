// Which part of a loom a tree view shows: a window of the current path around the tip, a subtree, or all — as self-contained rows, built without recursion.
import { childrenOf } from "./loom-index.js";
import type { Loom } from "./loom.js";
import type { ChosenBy } from "./node.js";

export interface TreeWindowOptions {
  /** Steps of the current path shown above the tip (default 10). */
  around?: number | undefined;
  /** Show the tree under this node instead of the current path. */
  subtree?: string | undefined;
  /** Levels drawn below a branch's first node (default: 1 in the path view, 3 for --subtree, all with --all). */
  depth?: number | undefined;
  /** Every node, from the root. */
  all?: boolean | undefined;
}

export interface TreeRow {
  id: string;
  parentId: string | null;
  /** Distance from the root (the seed is 0). */
  depth: number;
  /** Indentation level in the drawing: 0 for the current path's spine. */
  level: number;
  /** Last child drawn at its level (for the box-drawing lines). */
  last: boolean;
  onCurrentPath: boolean;
  tip: boolean;
  /** Descendants not drawn because of the depth limit. */
  hiddenDescendants: number;
  /** The node's own text and score, so a window can be drawn (or stored) without the loom. */
  text: string;
  stepLogprob: number | null;
  chosenBy: ChosenBy | null;
}

export interface TreeWindow {
  mode: "around" | "subtree" | "all";
  /** Length of the current path (the seed included). */
  pathLength: number;
  /** The current path's last node (drawn or not). */
  tip: string;
  /** Steps of the current path above the window (not drawn). */
  pathAbove: number;
  rows: TreeRow[];
}

export const DEFAULT_AROUND = 10;

function countDescendants(loom: Loom, id: string): number {
  let count = 0;
  const stack = [...childrenOf(loom, id)];
  while (stack.length) {
    count++;
    stack.push(...childrenOf(loom, stack.pop()!));
  }
  return count;
}

function row(
  loom: Loom,
  id: string,
  depth: number,
  level: number,
  last: boolean,
  onCurrentPath: boolean,
  tip: boolean,
  hiddenDescendants: number,
): TreeRow {
  const n = loom.nodes[id]!;
  return {
    id,
    parentId: n.parentId,
    depth,
    level,
    last,
    onCurrentPath,
    tip,
    hiddenDescendants,
    text: n.text,
    stepLogprob: n.stepLogprob,
    chosenBy: n.chosenBy,
  };
}

/** Rows of the subtree under `top` (itself included), depth-first, at most `maxLevels` below it. */
function subtreeRows(
  loom: Loom,
  top: string,
  depth: number,
  level: number,
  last: boolean,
  maxLevels: number,
  onPath: Set<string>,
  tip: string,
  rows: TreeRow[],
): void {
  const stack = [{ id: top, depth, level, last, below: 0 }];
  while (stack.length) {
    const e = stack.pop()!;
    const kids = childrenOf(loom, e.id);
    const folded = kids.length > 0 && e.below >= maxLevels;
    rows.push(
      row(
        loom,
        e.id,
        e.depth,
        e.level,
        e.last,
        onPath.has(e.id),
        e.id === tip,
        folded ? countDescendants(loom, e.id) : 0,
      ),
    );
    if (folded) continue;
    for (let i = kids.length - 1; i >= 0; i--) {
      stack.push({
        id: kids[i]!,
        depth: e.depth + 1,
        level: e.level + 1,
        last: i === kids.length - 1,
        below: e.below + 1,
      });
    }
  }
}

/** The rows a tree view draws, in drawing order: the current path's spine with its branches, a subtree, or everything. */
export function treeWindow(loom: Loom, options: TreeWindowOptions): TreeWindow {
  const path = loom.currentPath;
  const tip = path[path.length - 1]!;
  const onPath = new Set(path);
  const rows: TreeRow[] = [];
  if (options.subtree !== undefined) {
    let depth = 0;
    for (let p = loom.nodes[options.subtree]!.parentId; p !== null; p = loom.nodes[p]!.parentId) depth++;
    subtreeRows(loom, options.subtree, depth, 0, true, options.depth ?? 3, onPath, tip, rows);
    return { mode: "subtree", pathLength: path.length, tip, pathAbove: 0, rows };
  }
  const all = options.all === true;
  const start = all ? 0 : Math.max(0, path.length - 1 - (options.around ?? DEFAULT_AROUND));
  // Below a branch's first node: nothing more in the path view (a count instead), everything with --all.
  const branchLevels = options.depth ?? (all ? Number.POSITIVE_INFINITY : 0);
  for (let i = start; i < path.length; i++) {
    const id = path[i]!;
    rows.push(row(loom, id, i, 0, true, true, id === tip, 0));
    const branches = childrenOf(loom, id).filter((c) => c !== path[i + 1]);
    branches.forEach((c, k) =>
      subtreeRows(loom, c, i + 1, 1, k === branches.length - 1, branchLevels, onPath, tip, rows),
    );
  }
  return { mode: all ? "all" : "around", pathLength: path.length, tip, pathAbove: start, rows };
}

/**
 * A narrower "around" window cut from a wider one (both with branches folded at their first node): the
 * rows from the spine row `around` steps above the tip. Null when `window` cannot give it (another mode,
 * or not wide enough).
 */
export function narrowWindow(window: TreeWindow, around: number): TreeWindow | null {
  if (window.mode !== "around") return null;
  const start = Math.max(0, window.pathLength - 1 - around);
  if (start < window.pathAbove) return null;
  const from = window.rows.findIndex((r) => r.level === 0 && r.depth === start);
  if (from < 0) return null;
  return { ...window, pathAbove: start, rows: window.rows.slice(from) };
}
