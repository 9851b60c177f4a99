// The screen at one branch moment: where we are, the recent text, the numbered candidates with logprobs.
import { currentText, pathTokenCount, type Loom } from "@loom/core";
import type { SelectionCandidate } from "@loom/selectors";
import type { Colors } from "../cli/colors.js";
import { formatLogprob } from "../render/snippet.js";

export const KEYS_HELP =
  "number choose · r reroll · w write · b back · t tokens · m walk the tree · ? rejected here · s stop · q quit";

/** The index of the candidate the base model likes best (highest step logprob), if any has one. */
export function favouriteIndex(candidates: readonly SelectionCandidate[]): number | null {
  let best: number | null = null;
  candidates.forEach((c, i) => {
    if (c.stepLogprob !== null && (best === null || c.stepLogprob > candidates[best]!.stepLogprob!)) best = i;
  });
  return best;
}

function visible(text: string): string {
  // Show the segment's own whitespace: a leading space or a newline matters when choosing.
  return JSON.stringify(text).slice(1, -1).replace(/\\"/g, '"');
}

export function renderStep(loom: Loom, candidates: readonly SelectionCandidate[], c: Colors, width: number): string {
  const step = loom.currentPath.length;
  const text = currentText(loom);
  const tail = text.length > 600 ? `…${text.slice(-600)}` : text;
  const header = c.dim(
    `── step ${step} · ${pathTokenCount(loom)} tokens · ${loom.sessionId} ${"─".repeat(Math.max(0, Math.min(width, 80) - 40))}`,
  );
  const fav = favouriteIndex(candidates);
  const firstWith = new Map<string, number>();
  const rows = candidates.map((cand, i) => {
    const num = c.bold(String(i + 1).padStart(2));
    const lp = formatLogprob(cand.stepLogprob).padStart(7);
    // Small models often sample the same segment twice; say so rather than make the reader compare.
    const same = firstWith.get(cand.text);
    if (same === undefined) firstWith.set(cand.text, i);
    const marker =
      i === fav ? c.dim("  ← model's favourite") : same !== undefined ? c.dim(`  (same as ${same + 1})`) : "";
    return `${num}  ${c.dim(lp)}  ${c.cyan(`“${visible(cand.text)}”`)}${marker}`;
  });
  return [header, "", tail, "", ...rows, "", c.dim(KEYS_HELP)].join("\n");
}
