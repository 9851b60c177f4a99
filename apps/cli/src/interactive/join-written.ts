// The spacing a writer expects when typing a continuation: "a time" + "and" reads "a time and", not "a timeand".

/**
 * The typed text as it should be appended. A space is added when the text so far ends in a word
 * or closing punctuation and the typed text starts a new word; typed leading whitespace, punctuation
 * that attaches (",", ".", "'s"…) and a text ending in whitespace are kept exactly as they are.
 */
export function joinWritten(before: string, typed: string): string {
  if (before === "" || typed === "") return typed;
  if (/\s$/.test(before) || /^\s/.test(typed)) return typed;
  // Attaching punctuation and contractions continue the last word.
  if (/^[,.;:!?)\]}”’'…—-]/.test(typed)) return typed;
  // After an opening bracket or quote the next word attaches too.
  if (/[([{“‘]$/.test(before)) return typed;
  return ` ${typed}`;
}
