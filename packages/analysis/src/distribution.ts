// Summaries of a list of numbers: quantiles (linear interpolation), mean, and the fixed logprob-gap histogram.

/** The q-quantile (0 ≤ q ≤ 1) of ascending `sorted`, interpolating linearly between ranks (R's type 7, numpy's default). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = (sorted.length - 1) * q;
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export interface Summary {
  n: number;
  mean: number;
  min: number;
  p10: number;
  p25: number;
  p50: number;
  p75: number;
  p90: number;
  max: number;
}

/**
 * A sorted copy of `values`. A typed array sorts numbers natively, several times faster than a comparator
 * (summaries of 200,000 gaps were most of what aggregating 1,000 sessions cost); it differs from sorting with
 * `(a, b) => a - b` only in placing -0 before 0 and NaN last, so values with either take the comparator.
 */
function ascending(values: readonly number[]): ArrayLike<number> {
  const s = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v) || (v === 0 && 1 / v < 0)) return [...values].sort((a, b) => a - b);
    s[i] = v;
  }
  return s.sort();
}

/** n, mean, min, quartiles, 10th and 90th percentiles, max; null for an empty list. */
export function summarize(values: readonly number[]): Summary | null {
  if (values.length === 0) return null;
  const s = ascending(values);
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += s[i]!;
  return {
    n: s.length,
    mean: sum / s.length,
    min: s[0]!,
    p10: quantile(s, 0.1),
    p25: quantile(s, 0.25),
    p50: quantile(s, 0.5),
    p75: quantile(s, 0.75),
    p90: quantile(s, 0.9),
    max: s[s.length - 1]!,
  };
}

/**
 * Upper edges of the gap histogram's bins, in nats. The same for every group, so groups compare bin by bin:
 * "0" (the favourite chosen), then (-0.5, 0), (-1, -0.5], (-2, -1], (-4, -2], (-8, -4], and ≤ -8.
 */
export const GAP_BIN_EDGES = [0, -0.5, -1, -2, -4, -8] as const;

export interface HistogramBin {
  label: string;
  /** Exclusive lower bound (null: unbounded). */
  above: number | null;
  /** Inclusive upper bound (0 for the first bin, which holds exactly 0). */
  atMost: number;
  count: number;
}

/** The index of the gap's bin. */
export function gapBin(gap: number): number {
  if (gap >= 0) return 0;
  for (let k = 1; k < GAP_BIN_EDGES.length; k++) if (gap > GAP_BIN_EDGES[k]!) return k;
  return GAP_BIN_EDGES.length;
}

export function gapHistogram(gaps: readonly number[]): HistogramBin[] {
  const bins: HistogramBin[] = [{ label: "0", above: null, atMost: 0, count: 0 }];
  for (let k = 1; k < GAP_BIN_EDGES.length; k++)
    bins.push({
      label: `${GAP_BIN_EDGES[k]} to ${GAP_BIN_EDGES[k - 1]}`,
      above: GAP_BIN_EDGES[k]!,
      atMost: GAP_BIN_EDGES[k - 1]!,
      count: 0,
    });
  const last = GAP_BIN_EDGES[GAP_BIN_EDGES.length - 1]!;
  bins.push({ label: `${last} or below`, above: null, atMost: last, count: 0 });
  for (const g of gaps) bins[gapBin(g)]!.count++;
  return bins;
}
