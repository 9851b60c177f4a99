// Lays out a tree given as parent indices (d3-hierarchy's tidy tree): the part of the tree's work that runs in a worker.
import { hierarchy, tree } from "d3-hierarchy";

export const ROW = 22;
export const COLUMN = 150;

interface Item {
  index: number;
  children: Item[];
}

/**
 * Positions of nodes 0…n-1, where `parents[i]` is the index of node i's parent (-1 for the root) and every
 * parent comes before its children. Returns [x0, y0, x1, y1, …] (x across the tree, y along its depth);
 * NaN for a node not connected to the root.
 */
export function treePositions(parents: Int32Array): Float64Array {
  const items: Item[] = new Array(parents.length);
  let root: Item | null = null;
  for (let i = 0; i < parents.length; i++) {
    const item: Item = { index: i, children: [] };
    items[i] = item;
    const p = parents[i]!;
    if (p < 0) root ??= item;
    else items[p]?.children.push(item);
  }
  const out = new Float64Array(parents.length * 2).fill(Number.NaN);
  if (!root) return out;
  const laid = tree<Item>()
    .nodeSize([ROW, COLUMN])
    .separation((a, b) => (a.parent === b.parent ? 1 : 1.4))(hierarchy(root));
  laid.each((n) => {
    out[n.data.index * 2] = n.x;
    out[n.data.index * 2 + 1] = n.y;
  });
  return out;
}
