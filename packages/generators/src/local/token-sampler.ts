// The engine's old path, sampling in JS from the model's full distribution: kept as the baseline bench/generators.bench.ts measures vocab-cost against (the engine samples from token-readout.ts).

/** A next-token distribution: [token id, probability] pairs, most likely first (as node-llama-cpp returns them). */
export type Distribution = readonly (readonly [token: number, probability: number])[];

/**
 * Draw a token from `distribution` reshaped by `temperature` and truncated by nucleus `topP`.
 *
 * Temperature 0 (or below 1e-6) is greedy. The reshaping never touches the distribution the
 * caller reports logprobs from: that is the point of sampling here rather than in llama.cpp.
 */
export function sampleToken(
  distribution: Distribution,
  temperature: number,
  topP: number,
  random: () => number,
): number {
  const first = distribution[0];
  if (!first) throw new Error("sampleToken: empty distribution");
  if (temperature < 1e-6) return first[0];
  // Nucleus over the temperature-scaled distribution, as OpenAI-style samplers apply it.
  const weights = distribution.map(([, p]) => (p > 0 ? p ** (1 / temperature) : 0));
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
