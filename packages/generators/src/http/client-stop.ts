// Stop sequences applied by Loom after the response, for stops a service refuses (whitespace-only at Anthropic) or cannot take (over OpenAI's 4).

/** The text up to the earliest stop (excluded), and whether one was found. */
export function cutAtStop(text: string, stops: readonly string[]): { text: string; stopped: boolean } {
  let at = -1;
  for (const stop of stops) {
    if (!stop) continue;
    const i = text.indexOf(stop);
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  return at < 0 ? { text, stopped: false } : { text: text.slice(0, at), stopped: true };
}

/**
 * The streaming form of {@link cutAtStop}: `push` returns the text safe to show now, holding back
 * only a tail that could still become a stop; after a stop everything is swallowed.
 */
export function createStopCutter(stops: readonly string[]): {
  push(piece: string): string;
  flush(): string;
  readonly stopped: boolean;
} {
  const active = stops.filter((s) => s.length > 0);
  let held = "";
  let stopped = false;
  const heldBack = (text: string): number => {
    let keep = 0;
    for (const stop of active) {
      for (let k = Math.min(stop.length - 1, text.length); k > keep; k--) {
        if (text.endsWith(stop.slice(0, k))) {
          keep = k;
          break;
        }
      }
    }
    return keep;
  };
  return {
    push(piece) {
      if (stopped || active.length === 0) return stopped ? "" : piece;
      held += piece;
      const cut = cutAtStop(held, active);
      if (cut.stopped) {
        stopped = true;
        held = "";
        return cut.text;
      }
      const keep = heldBack(held);
      const out = held.slice(0, held.length - keep);
      held = held.slice(held.length - keep);
      return out;
    },
    flush() {
      const out = stopped ? "" : held;
      held = "";
      return out;
    },
    get stopped() {
      return stopped;
    },
  };
}

/** Tokens whose text lies within the first `length` characters (the tokens of a cut candidate). */
export function tokensWithin<T extends { text: string }>(tokens: T[] | null, length: number): T[] | null {
  if (!tokens) return null;
  const kept: T[] = [];
  let end = 0;
  for (const t of tokens) {
    end += t.text.length;
    if (end > length) break;
    kept.push(t);
  }
  return kept;
}
