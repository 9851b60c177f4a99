// Choosing the next token from what llama.cpp hands back per token — the head of the unfiltered logits, their total weight and its own sample — so no step reads the whole vocabulary into JavaScript.

/**
 * What the engine reads back for one next token, sampled natively by llama.cpp under the unfiltered
 * distribution (temperature 1, no top-k/top-p/min-p): the logits of the `head` most likely tokens (most likely
 * first), the logit of the token llama.cpp sampled, and `totalWeight` = Σ over the whole vocabulary of
 * exp(logit − maxLogit). Its size does not depend on the vocabulary's.
 */
export interface NextTokenReadout {
  /** [token id, logit] of the most likely tokens, most likely first. */
  head: readonly (readonly [token: number, logit: number])[];
  /** llama.cpp's sample from the unfiltered distribution. */
  sampled: number;
  sampledLogit: number;
  totalWeight: number;
}

export interface ChosenToken {
  id: number;
  /** Natural log of its probability under the unfiltered distribution. */
  logprob: number;
  /** The `alternatives` most likely tokens with their logprobs under the same distribution. */
  top: { id: number; logprob: number }[];
}

export interface ReadoutSampling {
  temperature: number;
  topP: number;
  /** How many alternatives to report. */
  alternatives: number;
  /** Tokens in the vocabulary (bounds the tail's weight when the temperature is above 1). */
  vocabularySize: number;
  random: () => number;
}

/** log p(token) under the unfiltered distribution, from its logit: logit − maxLogit − ln Σ exp(logit − maxLogit). */
function logprobOf(logit: number, readout: NextTokenReadout): number {
  return logit - readout.head[0]![1] - Math.log(readout.totalWeight);
}

/**
 * Draw the next token at `temperature` and nucleus `topP` from the head, the rest of the vocabulary taken as one
 * bucket of known weight at temperature 1.
 *
 * Temperature 1 without a nucleus is llama.cpp's own sample (exact). Otherwise the head tokens get their exact
 * weights exp((logit − max) / T) and the rest of the vocabulary one bucket, weighed from its exact weight at
 * T = 1 (see tailWeight); a nucleus that ends in the bucket keeps only the part that reaches topP. The bucket is
 * drawn through llama.cpp's sample, which comes from the tail in proportion to p rather than p^(1/T): within the
 * tail, an approximation. On distributions shaped like a language model's, 20,000 draws at the stable preset
 * (T 0.85, top-p 0.92) land within 0.02 (total variation by rank) of sampling the full distribution
 * (token-readout.test.ts).
 */
export function chooseToken(readout: NextTokenReadout, sampling: ReadoutSampling): ChosenToken {
  const { head } = readout;
  const best = head[0];
  if (!best) throw new Error("chooseToken: empty readout");
  const t = sampling.temperature;
  let id: number;
  if (t < 1e-6) id = best[0];
  else if (t === 1 && sampling.topP >= 1) id = readout.sampled;
  else id = drawFromHead(readout, t, sampling.topP, sampling.vocabularySize, sampling.random);
  let logit = id === readout.sampled ? readout.sampledLogit : Number.NaN;
  for (let i = 0; i < head.length && Number.isNaN(logit); i++) if (head[i]![0] === id) logit = head[i]![1];
  const top = head.slice(0, sampling.alternatives).map(([tok, l]) => ({ id: tok, logprob: logprobOf(l, readout) }));
  return { id, logprob: logprobOf(logit, readout), top };
}

function drawFromHead(
  readout: NextTokenReadout,
  t: number,
  topP: number,
  vocabularySize: number,
  random: () => number,
) {
  const { head } = readout;
  const max = head[0]![1];
  const weights = new Array<number>(head.length + 1);
  let headAt1 = 0;
  let total = 0;
  for (let i = 0; i < head.length; i++) {
    const d = head[i]![1] - max;
    headAt1 += Math.exp(d);
    weights[i] = Math.exp(d / t);
    total += weights[i]!;
  }
  const tailAt1 = Math.max(0, readout.totalWeight - headAt1);
  const tailCount = Math.max(0, vocabularySize - head.length);
  weights[head.length] = tailAt1 === 0 || tailCount === 0 ? 0 : tailWeight(tailAt1, tailCount, t);
  total += weights[head.length]!;
  // The nucleus: the most likely entries (the tail bucket last) until their share reaches topP.
  let keep = weights.length;
  if (topP < 1) {
    let cumulative = 0;
    for (let i = 0; i < weights.length; i++) {
      if (cumulative + weights[i]! / total >= topP) {
        keep = i + 1;
        // A nucleus that ends in the tail takes only the part of it that reaches topP.
        if (i === head.length) weights[i] = (topP - cumulative) * total;
        break;
      }
      cumulative += weights[i]! / total;
    }
  }
  let mass = 0;
  for (let i = 0; i < keep; i++) mass += weights[i]!;
  // The tail's share is drawn through llama.cpp's sample, which fell in the tail with probability tailAt1 / total
  // weight: taking it then with probability share / that gives the tail exactly its share (when the share is the
  // smaller, as it is below temperature 1).
  if (keep > head.length) {
    const share = weights[head.length]! / mass;
    const inTail = share > 0 && !head.some(([id]) => id === readout.sampled);
    if (inTail && random() * (tailAt1 / readout.totalWeight) < share) return readout.sampled;
    mass -= weights[head.length]!;
    keep = head.length;
  }
  let r = random() * mass;
  for (let i = 0; i < keep; i++) {
    r -= weights[i]!;
    if (r < 0) return head[i]![0];
  }
  return head[keep - 1]![0];
}

/**
 * The tail's weight at temperature t, from its weight at 1 and its size, as if its tokens weighed the same: by
 * Jensen's inequality a lower bound below temperature 1 (exact at 1); the tail's tokens are the least likely, so
 * the error stays within what the head does not already outweigh.
 */
function tailWeight(tailAt1: number, tailCount: number, t: number): number {
  return t === 1 ? tailAt1 : tailCount * (tailAt1 / tailCount) ** (1 / t);
}
