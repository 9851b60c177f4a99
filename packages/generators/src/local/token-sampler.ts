// Sampling a next token in JS from the model's full distribution, so logprobs stay unfiltered whatever the sampling settings.

/** A next-token distribution: [token id, probability] pairs, most likely first (as node-llama-cpp returns them). */
export type Distribution = readonly (readonly [token: number, probability: number])[];

/** Filters beyond temperature and top-p: top-k, min-p and a logit bias by token id (as OpenAI's `logit_bias`). */
export interface SamplerFilters {
  topK?: number;
  minP?: number;
  logitBias?: Record<string, number>;
}

/**
 * The distribution with a logit bias applied (p·e^bias, renormalised, most likely first), then cut to
 * the top K (0: no cut) and to tokens at least minP × the most likely one.
 */
export function filterDistribution(distribution: Distribution, filters: SamplerFilters): Distribution {
  let out: Distribution = distribution;
  const bias = filters.logitBias;
  if (bias && Object.keys(bias).length > 0) {
    const shifted = out.map(([t, p]) => {
      const b = bias[String(t)];
      // -100 bans, as services treat it; anything else scales the probability by e^bias.
      return [t, b === undefined ? p : b <= -100 ? 0 : p * Math.exp(b)] as const;
    });
    const total = shifted.reduce((s, [, p]) => s + p, 0);
    out = shifted
      .filter(([, p]) => p > 0)
      .map(([t, p]) => [t, p / total] as const)
      .sort((a, b) => b[1] - a[1]);
  }
  if (filters.topK !== undefined && filters.topK > 0) out = out.slice(0, filters.topK);
  if (filters.minP !== undefined && filters.minP > 0 && out[0]) {
    const floor = out[0][1] * filters.minP;
    out = out.filter(([, p]) => p >= floor);
  }
  return out;
}

/**
 * Draw a token from `distribution` (after `filters`) reshaped by `temperature` and truncated by nucleus `topP`.
 *
 * Temperature 0 (or below 1e-6) is greedy. The reshaping never touches the distribution the
 * caller reports logprobs from: that is the point of sampling here rather than in llama.cpp.
 */
export function sampleToken(
  full: Distribution,
  temperature: number,
  topP: number,
  random: () => number,
  filters: SamplerFilters = {},
): number {
  const distribution = filterDistribution(full, filters);
  const first = distribution[0];
  if (!first) throw new Error("sampleToken: empty distribution (every token was banned or filtered)");
  if (temperature < 1e-6) return first[0];
  // Nucleus over the temperature-scaled distribution, as OpenAI-style samplers apply it.
  const weights = distribution.map(([, p]) => (p > 0 ? Math.pow(p, 1 / temperature) : 0));
  const total = weights.reduce((s, w) => s + w, 0);
  let keep = weights.length;
  if (topP < 1) {
    let cumulative = 0;
    for (let i = 0; i < weights.length; i++) {
      cumulative += weights[i]! / total;
      if (cumulative >= topP) {
        keep = i + 1;
        break;
      }
    }
  }
  let mass = 0;
  for (let i = 0; i < keep; i++) mass += weights[i]!;
  let r = random() * mass;
  for (let i = 0; i < keep; i++) {
    r -= weights[i]!;
    if (r < 0) return distribution[i]![0];
  }
  return distribution[keep - 1]![0];
}

/** The probability of `token` in `distribution` (0 when absent). */
export function probabilityOf(distribution: Distribution, token: number): number {
  for (const [t, p] of distribution) if (t === token) return p;
  return 0;
}
