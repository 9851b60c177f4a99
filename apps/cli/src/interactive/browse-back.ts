// Going back at the keyboard: what was offered at an earlier node, without generating anything; r asks for a new batch there.
import { childrenOf, pathText, rootPath, type Loom } from "@loom/core";
import type { Output } from "../cli/output.js";
import { formatLogprob } from "../render/snippet.js";
import type { KeyInput } from "./key-input.js";
import { readNumber } from "./read-number.js";
import { QuitRequested } from "./interactive-exits.js";

export const BACK_KEYS_HELP = "number go there · r new batch here · b further back · Esc return · q quit";

function visible(text: string): string {
  return JSON.stringify(text).slice(1, -1).replace(/\\"/g, '"');
}

/** The screen at `at`: the text up to it and every candidate ever offered there, the one on the current path marked. */
export function renderBack(loom: Loom, at: string, out: Output): string {
  const c = out.colors;
  const path = rootPath(loom, at);
  const text = pathText(loom, path);
  const tail = text.length > 600 ? `…${text.slice(-600)}` : text;
  const onPath = new Set(loom.currentPath);
  const rows = childrenOf(loom, at).map((id, i) => {
    const n = loom.nodes[id]!;
    const mark = onPath.has(id) ? c.green("  ← current path") : n.chosenBy ? c.dim("  (chosen before)") : "";
    return `${c.bold(String(i + 1).padStart(2))}  ${c.dim(formatLogprob(n.stepLogprob).padStart(7))}  ${c.cyan(`“${visible(n.text)}”`)}${mark}`;
  });
  const header = c.dim(`── back at step ${path.length} · what was offered here (nothing new is generated) ──`);
  return [header, "", tail, "", ...rows, "", c.dim(BACK_KEYS_HELP)].join("\n");
}

/**
 * Lets the human look back from the tip. Returns the node to move the tip to (an alternative, or the
 * earlier node itself for a new batch with r), or null to return to the step on screen.
 */
export async function browseBack(loom: Loom, keys: KeyInput, out: Output, signal: AbortSignal): Promise<string | null> {
  const path = loom.currentPath;
  let depth = path.length - 2;
  let notice = "";
  for (;;) {
    const at = path[depth]!;
    if (out.streams.stdout.isTTY) out.write("\u001B[2J\u001B[H");
    out.write(`${renderBack(loom, at, out)}\n`);
    if (notice) out.write(`${notice}\n`);
    notice = "";
    out.write("> ");
    const kids = childrenOf(loom, at);
    const key = await keys.next(signal);
    if (/^[1-9]$/.test(key.sequence)) {
      const n = await readNumber(keys, out, Number(key.sequence), kids.length, signal);
      const target = n === null ? undefined : kids[n - 1];
      if (target === undefined) {
        notice = out.colors.yellow(`no candidate ${n ?? ""}; there are ${kids.length}`);
        continue;
      }
      // The node already on the path: nothing changes, back to where we were.
      if (target === path[depth + 1] && depth + 1 === path.length - 1) return null;
      return target;
    }
    if (key.sequence === "r") return at;
    if (key.sequence === "q") throw new QuitRequested();
    if (key.sequence === "b") {
      if (depth === 0) notice = out.colors.yellow("already at the seed");
      else depth--;
      continue;
    }
    if (key.name === "escape" || key.name === "return" || key.name === "enter") return null;
    notice = out.colors.dim(BACK_KEYS_HELP);
  }
}
