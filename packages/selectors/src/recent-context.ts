// Reading scopes of a text: its last sentence or two and its recent paragraph, for selector prompts.

/** Sentence ends: . ! ? … optionally followed by closing quotes or brackets, then whitespace. */
const SENTENCE_END = /[.!?…]+["'”’)\]]*\s+/g;

/** The last `count` sentences of `text` (an unfinished trailing sentence counts as one). */
export function lastSentences(text: string, count = 2): string {
  const trimmed = text.replace(/\s+$/, "");
  if (!trimmed) return "";
  const starts = [0];
  for (const m of trimmed.matchAll(SENTENCE_END)) {
    const end = m.index + m[0].length;
    if (end < trimmed.length) starts.push(end);
  }
  const from = starts[Math.max(0, starts.length - count)]!;
  return trimmed.slice(from).trim();
}

/** The last paragraph (text after the last blank line), capped at `maxChars` from its end. */
export function recentParagraph(text: string, maxChars = 1200): string {
  const trimmed = text.replace(/\s+$/, "");
  const at = trimmed.search(/\n\s*\n(?![\s\S]*\n\s*\n)/);
  const paragraph = at >= 0 ? trimmed.slice(at).trim() : trimmed;
  return paragraph.length > maxChars ? `…${paragraph.slice(-maxChars)}` : paragraph;
}
