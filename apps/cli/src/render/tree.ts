// Draws a loom as an indented tree (current path marked), and builds the nested form `--json` prints.
import { childrenOf, type Loom } from "@loom/core";
import type { Colors } from "../cli/colors.js";
import { formatLogprob, snippet } from "./snippet.js";

export interface TreeOptions {
  /** Levels below the root to draw; deeper nodes are summarised as a count. */
  depth?: number;
  width: number;
  colors: Colors;
}

export interface TreeJson {
  id: string;
  text: string;
  stepLogprob: number | null;
  chosenBy: string | null;
  onCurrentPath: boolean;
  children: TreeJson[];
  /** Descendants left out because of --depth. */
  hiddenDescendants?: number;
}

function countDescendants(loom: Loom, id: string): number {
  let count = 0;
  const stack = [...childrenOf(loom, id)];
  while (stack.length) {
    const next = stack.pop()!;
    count++;
    stack.push(...childrenOf(loom, next));
  }
  return count;
}

export function renderTree(loom: Loom, options: TreeOptions): string {
  const { colors: c } = options;
  const onPath = new Set(loom.currentPath);
  const tip = loom.currentPath[loom.currentPath.length - 1];
  const lines: string[] = [];
  const maxDepth = options.depth ?? Number.POSITIVE_INFINITY;
  // Iterative depth-first walk: a deep loom must not overflow the stack.
  const stack: { id: string; prefix: string; last: boolean; depth: number }[] = [{ id: loom.rootId, prefix: "", last: true, depth: 0 }];
  while (stack.length) {
    const { id, prefix, last, depth } = stack.pop()!;
    const node = loom.nodes[id]!;
    const branch = depth === 0 ? "" : last ? "└─ " : "├─ ";
    const mark = id === tip ? c.green("▶") : onPath.has(id) ? c.green("●") : "○";
    const lp = node.stepLogprob === null ? "" : c.dim(` ${formatLogprob(node.stepLogprob)}`);
    const who = node.chosenBy ? c.dim(` [${node.chosenBy}]`) : "";
    const room = Math.max(12, options.width - prefix.length - branch.length - 30);
    const text = JSON.stringify(snippet(node.text, room));
    lines.push(`${prefix}${branch}${mark} ${c.dim(id)} ${onPath.has(id) ? c.bold(text) : text}${lp}${who}`);
    const kids = childrenOf(loom, id);
    const childPrefix = depth === 0 ? "" : prefix + (last ? "   " : "│  ");
    if (kids.length && depth >= maxDepth) {
      lines.push(`${childPrefix}└─ ${c.dim(`… ${countDescendants(loom, id)} more below (raise --depth)`)}`);
      continue;
    }
    for (let i = kids.length - 1; i >= 0; i--) {
      stack.push({ id: kids[i]!, prefix: childPrefix, last: i === kids.length - 1, depth: depth + 1 });
    }
  }
  return lines.join("\n");
}

export function treeJson(loom: Loom, depth?: number): TreeJson {
  const onPath = new Set(loom.currentPath);
  const maxDepth = depth ?? Number.POSITIVE_INFINITY;
  const make = (id: string): TreeJson => {
    const n = loom.nodes[id]!;
    return { id, text: n.text, stepLogprob: n.stepLogprob, chosenBy: n.chosenBy, onCurrentPath: onPath.has(id), children: [] };
  };
  const root = make(loom.rootId);
  const stack: { json: TreeJson; depth: number }[] = [{ json: root, depth: 0 }];
  while (stack.length) {
    const { json, depth: d } = stack.pop()!;
    const kids = childrenOf(loom, json.id);
    if (kids.length && d >= maxDepth) {
      json.hiddenDescendants = countDescendants(loom, json.id);
      continue;
    }
    for (const k of kids) {
      const child = make(k);
      json.children.push(child);
      stack.push({ json: child, depth: d + 1 });
    }
  }
  return root;
}
