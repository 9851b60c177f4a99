// Short one-line renderings of segment text and numbers for terminal tables.

/** One line: newlines shown as ⏎, long text cut with an ellipsis. */
export function snippet(text: string, max = 60): string {
  const flat = text.replace(/\r?\n/g, "⏎").replace(/\t/g, " ");
  return flat.length > max ? `${flat.slice(0, Math.max(1, max - 1))}…` : flat;
}

export function formatLogprob(lp: number | null | undefined): string {
  return lp === null || lp === undefined ? "—" : lp.toFixed(2);
}

export function shortId(id: string): string {
  return id.length > 10 ? id.slice(0, 10) : id;
}
