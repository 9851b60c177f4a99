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
  /** Logits of tokens read by id beyond the head (a logit bias's tokens), in any order. */
  listed?: readonly (readonly [token: number, logit: number])[];
}

/** Sampling controls beyond temperature and nucleus, applied to the draw only (logprobs stay unfiltered). */
export interface ReadoutFilters {
  /** Keep the K likeliest tokens (0 or absent: all). */
  topK?: number;
  /** Keep tokens at least minP × the likeliest one's probability. */
  minP?: number;
  /** Added to a token's logit before the draw, by id; -100 or below bans it (as services treat it). */
  logitBias?: ReadonlyMap<number, number>;
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
  filters?: ReadoutFilters;
}

/** True when the filters change the draw at all. */
export const filtersActive = (f: ReadoutFilters | undefined): boolean =>
  !!f && ((f.topK ?? 0) > 0 || (f.minP ?? 0) > 0 || (f.logitBias?.size ?? 0) > 0);

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
  if (filtersActive(sampling.filters)) id = drawFiltered(readout, sampling, sampling.filters!);
  else if (t < 1e-6) id = best[0];
  else if (t === 1 && sampling.topP >= 1) id = readout.sampled;
  else id = drawFromHead(readout, t, sampling.topP, sampling.vocabularySize, sampling.random);
  let logit = id === readout.sampled ? readout.sampledLogit : Number.NaN;
  for (let i = 0; i < head.length && Number.isNaN(logit); i++) if (head[i]![0] === id) logit = head[i]![1];
  for (const [tok, l] of readout.listed ?? []) if (Number.isNaN(logit) && tok === id) logit = l;
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

/**
 * The draw under top-k, min-p and a logit bias: the head and the listed tokens with their biased logits, cut by
 * top-k and min-p, then temperature and nucleus. The rest of the vocabulary is one bucket (its weight at
 * temperature 1 from the total, drawn through llama.cpp's unbiased sample, which lands there in proportion to p)
 * kept only while a cut could still reach it: top-k wider than the entries read, or a min-p floor below the
 * head's last logit (no tail token is likelier than that). So top-k within the head, a min-p floor above it and a
 * ban are exact; a biased token is weighed exactly wherever it ranks.
 */
function drawFiltered(readout: NextTokenReadout, sampling: ReadoutSampling, filters: ReadoutFilters): number {
  const bias = filters.logitBias ?? new Map<number, number>();
  const raw = new Map<number, number>();
  for (const [tok, l] of readout.head) raw.set(tok, l);
  for (const [tok, l] of readout.listed ?? []) if (!raw.has(tok)) raw.set(tok, l);
  const max = readout.head[0]![1];
  let readAt1 = 0;
  const entries: { id: number; logit: number }[] = [];
  for (const [tok, l] of raw) {
    readAt1 += Math.exp(l - max);
    const b = bias.get(tok) ?? 0;
    if (b > -100) entries.push({ id: tok, logit: l + b });
  }
  entries.sort((a, b) => b.logit - a.logit);
  const tailAt1 = Math.max(0, readout.totalWeight - readAt1);
  const tailCount = Math.max(0, sampling.vocabularySize - raw.size);
  const headFloor = readout.head[readout.head.length - 1]![1];
  let tail = tailAt1 > 0 && tailCount > 0;
  const topK = filters.topK ?? 0;
  if (topK > 0) {
    if (topK < entries.length) entries.length = topK;
    if (topK <= entries.length && entries[entries.length - 1]!.logit >= headFloor) tail = false;
  }
  const top = entries[0]?.logit ?? headFloor;
  if ((filters.minP ?? 0) > 0) {
    const floor = top + Math.log(filters.minP!);
    while (entries.length > 1 && entries[entries.length - 1]!.logit < floor) entries.pop();
    if (headFloor < floor) tail = false;
  }
  if (entries.length === 0 && !tail) throw new Error("chooseToken: every token was banned or filtered");
  const t = sampling.temperature;
  if (t < 1e-6) return entries[0]?.id ?? readout.sampled;
  const weights = entries.map((e) => Math.exp((e.logit - top) / t));
  // The bucket at temperature t, its weight at 1 rescaled to the entries' scale (top is their largest logit).
  const bucket = tail ? tailWeight(tailAt1 * Math.exp(max - top), tailCount, t) : 0;
  let total = bucket;
  for (const w of weights) total += w;
  let keep = weights.length;
  let tailKept = tail;
  if (sampling.topP < 1) {
    let cumulative = 0;
    for (let i = 0; i < weights.length; i++) {
      cumulative += weights[i]! / total;
      if (cumulative >= sampling.topP) {
        keep = i + 1;
        tailKept = false;
        break;
      }
    }
  }
  let mass = tailKept ? bucket : 0;
  for (let i = 0; i < keep; i++) mass += weights[i]!;
  // As in drawFromHead: llama.cpp's sample fell in the tail with probability tailAt1 / total weight; taking it
  // then with probability share / that gives the tail its share (exactly, while the share is the smaller).
  if (tailKept) {
    const share = bucket / mass;
    const inTail = !raw.has(readout.sampled);
    if (inTail && sampling.random() * (tailAt1 / readout.totalWeight) < share) return readout.sampled;
    mass -= bucket;
  }
  if (keep === 0 || mass <= 0) throw new Error("chooseToken: every token was banned or filtered");
  let r = sampling.random() * mass;
  for (let i = 0; i < keep; i++) {
    r -= weights[i]!;
    if (r < 0) return entries[i]!.id;
  }
  return entries[keep - 1]!.id;
}
