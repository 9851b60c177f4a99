// Walking the tree at the keyboard: parent, first child, next / previous sibling, next bookmark, next unread; Enter moves the tip there.
import { childrenOf, pathText, rootPath, type Loom } from "@loom/core";
import { prunedNodeIds } from "@loom/core/internal";
import type { Output } from "../cli/output.js";
import { formatLogprob } from "../render/snippet.js";
import { QuitRequested } from "./interactive-exits.js";
import type { KeyInput } from "./key-input.js";
import type { SeenMarks } from "./seen-marks.js";

export const WALK_KEYS_HELP =
  "←/h parent · →/l first child · ↓/j next sibling · ↑/k previous sibling · b next bookmark · n next unread · Enter go there · Esc return · q quit";

const visible = (text: string) => JSON.stringify(text).slice(1, -1).replace(/\\"/g, '"');

/** The tree as one walk sees it: pruned subtrees left out, as every view does. The loom does not change during a walk. */
interface Walkable {
  kids(id: string): string[];
  /** Every visible node, depth first (children in their order), for "next" searches: built on first use. */
  order(): string[];
  /** Where each node stands in `order()`. */
  position(id: string): number;
  bookmarks: ReadonlySet<string>;
}

function walkable(loom: Loom): Walkable {
  const pruned = prunedNodeIds(loom);
  const kids = (id: string) => childrenOf(loom, id).filter((k) => !pruned.has(k));
  let order: string[] | null = null;
  let position: Map<string, number> | null = null;
  const built = () => {
    if (order) return order;
    order = [];
    const stack = [loom.rootId];
    while (stack.length > 0) {
      const id = stack.pop()!;
      order.push(id);
      const below = kids(id);
      for (let k = below.length - 1; k >= 0; k--) stack.push(below[k]!);
    }
    position = new Map(order.map((id, i) => [id, i]));
    return order;
  };
  return {
    kids,
    order: built,
    position: (id) => (built(), position!.get(id) ?? -1),
    bookmarks: new Set(loom.bookmarks),
  };
}

/** The screen at `at`: the text up to it, `at` among its siblings (marks: bookmark, unread, current path), and what lies below. */
export function renderWalk(
  loom: Loom,
  at: string,
  out: Output,
  seen: SeenMarks,
  notice: string,
  tree: Walkable = walkable(loom),
): string {
  const c = out.colors;
  const { kids, bookmarks } = tree;
  const path = rootPath(loom, at);
  const text = pathText(loom, path.slice(0, -1));
  const tail = text.length > 500 ? `…${text.slice(-500)}` : text;
  const node = loom.nodes[at]!;
  const parent = node.parentId;
  const siblings = parent === null ? [at] : kids(parent);
  const onPath = new Set(loom.currentPath);
  const rows = siblings.map((id, i) => {
    const n = loom.nodes[id]!;
    const marks = [
      bookmarks.has(id) ? c.yellow("★ bookmark") : "",
      seen.isUnread(loom, id) ? c.magenta("• unread") : "",
      onPath.has(id) ? c.green("current path") : "",
    ].filter(Boolean);
    const line = `${id === at ? c.bold("▶") : " "} ${String(i + 1).padStart(2)}  ${c.dim(formatLogprob(n.stepLogprob).padStart(7))}  ${c.cyan(`“${visible(n.text)}”`)}`;
    return marks.length ? `${line}  ${marks.join(" ")}` : line;
  });
  const below = kids(at);
  const unreadBelow = below.filter((id) => seen.isUnread(loom, id)).length;
  const header = c.dim(`── tree · node ${at} · depth ${path.length - 1} · ${loom.nodes[at]!.text.length} chars ──`);
  return [
    header,
    "",
    `${tail}${c.bold(c.cyan(visible(node.text)))}`,
    "",
    parent === null ? c.dim("the seed (no siblings)") : c.dim(`${siblings.length} here:`),
    ...(parent === null ? [] : rows),
    c.dim(
      `below: ${below.length} ${below.length === 1 ? "child" : "children"}${unreadBelow ? ` (${unreadBelow} unread)` : ""}`,
    ),
    ...(notice ? [notice] : []),
    "",
    c.dim(WALK_KEYS_HELP),
  ].join("\n");
}

/** The node `key` moves to from `at`, or a notice saying why it cannot move. */
export function walkStep(
  loom: Loom,
  at: string,
  key: string,
  seen: SeenMarks,
  tree: Walkable = walkable(loom),
): { to: string } | { notice: string } {
  const { kids, order } = tree;
  const node = loom.nodes[at]!;
  const siblings = node.parentId === null ? [at] : kids(node.parentId);
  const i = siblings.indexOf(at);
  switch (key) {
    case "parent":
      return node.parentId === null ? { notice: "the seed has no parent" } : { to: node.parentId };
    case "child": {
      const first = kids(at)[0];
      return first ? { to: first } : { notice: "no children here" };
    }
    case "next":
      return i + 1 < siblings.length ? { to: siblings[i + 1]! } : { notice: "the last sibling" };
    case "previous":
      return i > 0 ? { to: siblings[i - 1]! } : { notice: "the first sibling" };
    case "bookmark":
    case "unread": {
      const all = order();
      const wanted =
        key === "bookmark" ? (id: string) => tree.bookmarks.has(id) : (id: string) => seen.isUnread(loom, id);
      const from = tree.position(at);
      // The next one after `at` in depth-first order, wrapping round.
      for (let k = 1; k <= all.length; k++) {
        const id = all[(from + k) % all.length]!;
        if (wanted(id)) return { to: id };
      }
      return { notice: key === "bookmark" ? "no bookmarks" : "nothing unread" };
    }
    default:
      return { notice: WALK_KEYS_HELP };
  }
}

const KEYMAP: Record<string, string> = {
  left: "parent",
  h: "parent",
  right: "child",
  l: "child",
  down: "next",
  j: "next",
  up: "previous",
  k: "previous",
  b: "bookmark",
  n: "unread",
};

/**
 * Walks the tree from the tip. Returns the node to move the tip to (Enter), or null (Esc) to return to the
 * step on screen. A node the walk stops on is read (as selecting one on the page is); its siblings keep
 * their marks until visited, so n can lead to them.
 */
export async function walkTree(
  loom: Loom,
  keys: KeyInput,
  out: Output,
  seen: SeenMarks,
  signal: AbortSignal,
): Promise<string | null> {
  let at = loom.currentPath[loom.currentPath.length - 1]!;
  let notice = "";
  const tree = walkable(loom);
  for (;;) {
    if (out.streams.stdout.isTTY) out.write("\u001B[2J\u001B[H");
    out.write(`${renderWalk(loom, at, out, seen, notice, tree)}\n> `);
    seen.show([at]);
    notice = "";
    const key = await keys.next(signal);
    if (key.name === "escape") return null;
    if (key.name === "return" || key.name === "enter") return at === loom.currentPath.at(-1) ? null : at;
    if (key.sequence === "q") throw new QuitRequested();
    const move = KEYMAP[key.name ?? ""] ?? KEYMAP[key.sequence] ?? "";
    const step = walkStep(loom, at, move, seen, tree);
    if ("to" in step) at = step.to;
    else notice = out.colors.yellow(step.notice);
  }
}
