// The keyboard's token view: the last chosen segment token by token, arrows to a token and one of its alternatives, Enter to branch there.
import { getNode, pathText, rootPath, type Loom, type Token } from "@loom/core";
import type { Output } from "../cli/output.js";
import type { KeyInput } from "./key-input.js";
import { QuitRequested } from "./interactive-exits.js";

export const TOKEN_KEYS_HELP = "←/→ token · ↑/↓ alternative · Enter branch here · Esc return · q quit";

/** Where the human asked to branch: alternative `alternative` of token `tokenIndex`. */
export interface TokenChoice {
  tokenIndex: number;
  alternative: number;
}

const visible = (text: string) => JSON.stringify(text).slice(1, -1).replace(/\\"/g, '"');
const percent = (logprob: number) => `${(100 * Math.exp(logprob)).toFixed(1)}%`;

/** The screen: the text before the segment, its tokens with the one at `k` marked, and token k's alternatives with `j` marked. */
export function renderTokenView(loom: Loom, nodeId: string, k: number, j: number, out: Output): string {
  const c = out.colors;
  const tokens = getNode(loom, nodeId).tokens?.toArray() ?? [];
  const path = rootPath(loom, nodeId);
  const before = pathText(loom, path.slice(0, -1));
  const tail = before.length > 300 ? `…${before.slice(-300)}` : before;
  // Without colour the token under the cursor is bracketed, so the screen reads the same to a screen reader or a log.
  const line = tokens
    .map((t, i) => (i !== k ? visible(t.text) : c.enabled ? c.inverse(visible(t.text)) : `[${visible(t.text)}]`))
    .join("");
  const at = tokens[k]!;
  const rows = (at.top ?? []).map((a, i) => {
    const here = a.text === at.text ? c.dim("  (taken here)") : "";
    const row = `${i === j ? ">" : " "} ${String(i).padStart(2)}  ${percent(a.logprob).padStart(6)}  “${visible(a.text)}”${here}`;
    return i === j ? c.bold(row) : row;
  });
  const where = `token ${k + 1} of ${tokens.length} “${visible(at.text)}”${at.logprob === undefined ? "" : ` ${percent(at.logprob)}`}`;
  return [
    c.dim(`── tokens of the last chosen segment (${nodeId}) · ${where} ──`),
    "",
    `${tail}${line}`,
    "",
    ...(rows.length ? rows : [c.dim("  no alternatives were recorded for this token")]),
    "",
    c.dim(TOKEN_KEYS_HELP),
  ].join("\n");
}

/** The first alternative at a token that is not the token already there (0 when there is none). */
function firstOther(t: Token): number {
  return Math.max(
    0,
    (t.top ?? []).findIndex((a) => a.text !== t.text),
  );
}

/** Let the human walk the segment's tokens; returns where to branch, or null to return to the step. */
export async function browseTokens(
  loom: Loom,
  nodeId: string,
  keys: KeyInput,
  out: Output,
  signal: AbortSignal,
): Promise<TokenChoice | null> {
  const tokens = getNode(loom, nodeId).tokens?.toArray() ?? [];
  let k = 0;
  let j = firstOther(tokens[0]!);
  let notice = "";
  for (;;) {
    if (out.streams.stdout.isTTY) out.write("\u001B[2J\u001B[H");
    out.write(`${renderTokenView(loom, nodeId, k, j, out)}\n`);
    if (notice) out.write(`${notice}\n`);
    notice = "";
    out.write("> ");
    const key = await keys.next(signal);
    const alts = tokens[k]!.top ?? [];
    if (key.name === "left" || key.name === "right") {
      k = Math.min(tokens.length - 1, Math.max(0, k + (key.name === "left" ? -1 : 1)));
      j = firstOther(tokens[k]!);
    } else if (key.name === "up" || key.name === "down") {
      if (alts.length) j = Math.min(alts.length - 1, Math.max(0, j + (key.name === "up" ? -1 : 1)));
    } else if (key.name === "return" || key.name === "enter") {
      const alt = alts[j];
      if (!alt) notice = out.colors.yellow("no alternatives here to branch to; w writes your own text");
      else if (alt.text === tokens[k]!.text) notice = out.colors.yellow("that is the token already there");
      else return { tokenIndex: k, alternative: j };
    } else if (key.name === "escape") return null;
    else if (key.sequence === "q") throw new QuitRequested();
    else notice = out.colors.dim(TOKEN_KEYS_HELP);
  }
}
