// Draws a tree window as lines that fit the terminal: the current path as a spine, branches indented under the node they leave.
import type { TreeRow, TreeWindow } from "@loom/core";
import type { Colors } from "../cli/colors.js";
import { formatLogprob, snippet } from "./snippet.js";

export interface TreeRenderOptions {
  width: number;
  colors: Colors;
}

/** The box-drawing prefix of each row, from the rows' levels and last flags (one pass, no recursion). */
function prefixes(rows: readonly TreeRow[]): string[] {
  const open: boolean[] = []; // open[l]: a sibling still follows at level l
  return rows.map((r) => {
    if (r.level === 0) {
      open.length = 0;
      return "";
    }
    open.length = r.level;
    let p = "";
    for (let l = 1; l < r.level; l++) p += open[l] ? "│  " : "   ";
    open[r.level] = !r.last;
    return p + (r.last ? "└─ " : "├─ ");
  });
}

export function renderTree(window: TreeWindow, options: TreeRenderOptions): string {
  const { colors: c } = options;
  const width = Math.max(40, options.width);
  const lines: string[] = [];
  if (window.pathAbove > 0) {
    const above = `… ${window.pathAbove} earlier step${window.pathAbove === 1 ? "" : "s"} of the current path above (--around N, --all, --subtree NODE)`;
    lines.push(c.dim(above.length > width ? `${above.slice(0, width - 1)}…` : above));
  }
  const pre = prefixes(window.rows);
  window.rows.forEach((r, i) => {
    // A very deep branch would push the text off the screen: its indentation is shortened to a depth mark.
    let prefix = pre[i]!;
    if (prefix.length > width / 3) prefix = `…${r.level}› ${prefix.slice(-3)}`;
    const mark = r.tip ? c.green("▶") : r.onCurrentPath ? c.green("●") : "○";
    const lp = r.stepLogprob === null ? "" : ` ${formatLogprob(r.stepLogprob)}`;
    const who = r.chosenBy ? ` [${r.chosenBy}]` : "";
    const hidden = r.hiddenDescendants > 0 ? ` +${r.hiddenDescendants} below` : "";
    const fixed = prefix.length + 2 + r.id.length + 1 + lp.length + who.length + hidden.length + 2;
    const text = JSON.stringify(snippet(r.text, Math.max(8, width - fixed)));
    lines.push(
      `${prefix}${mark} ${c.dim(r.id)} ${r.onCurrentPath ? c.bold(text) : text}${c.dim(lp)}${c.dim(who)}${c.yellow(hidden)}`,
    );
  });
  return lines.join("\n");
}

/** The same window for machines: flat rows with parent ids (no nesting, so any depth serialises and parses). */
export function treeJson(window: TreeWindow) {
  return {
    mode: window.mode,
    pathAbove: window.pathAbove,
    nodes: window.rows.map((r) => ({
      id: r.id,
      parentId: r.parentId,
      depth: r.depth,
      text: r.text,
      stepLogprob: r.stepLogprob,
      chosenBy: r.chosenBy,
      onCurrentPath: r.onCurrentPath,
      hiddenDescendants: r.hiddenDescendants,
    })),
  };
}
