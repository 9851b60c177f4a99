// Cutting a candidate's tokens where its text was cut (at a stop sequence), so the token texts still join to the text.
import type { Token } from "@loom/core";

/** The tokens covering the first `length` characters of their joined text, the last one shortened if it crosses. */
export function cutTokens(tokens: readonly Token[], length: number): Token[] {
  const kept: Token[] = [];
  let start = 0;
  for (const t of tokens) {
    if (start >= length) break;
    kept.push(start + t.text.length <= length ? t : { ...t, text: t.text.slice(0, length - start) });
    start += t.text.length;
  }
  return kept;
}
