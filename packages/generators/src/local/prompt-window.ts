// Which tail of a long text the local engine evaluates, chosen so the evaluated prefix is reused across steps.

/**
 * The index of the first prompt token to keep, for a context holding `capacity` prompt tokens.
 *
 * A text that fits is kept whole (0). A text that does not fit keeps its tail: the previous
 * window's start is kept while the text still fits from there, so consecutive steps share their
 * evaluated prefix; when it no longer fits, the window jumps forward to keep only `keepFraction`
 * of the capacity, so the whole window is re-evaluated once every `capacity × (1 − keepFraction)`
 * tokens instead of on every step (a sliding window would move every step and reuse nothing).
 */
export function windowStart(totalTokens: number, capacity: number, previousStart: number, keepFraction = 0.5): number {
  if (capacity <= 0) throw new RangeError(`prompt window: capacity must be positive, got ${capacity}`);
  if (totalTokens <= capacity) return 0;
  if (previousStart > 0 && previousStart < totalTokens && totalTokens - previousStart <= capacity) return previousStart;
  const keep = Math.max(1, Math.floor(capacity * keepFraction));
  return totalTokens - keep;
}
