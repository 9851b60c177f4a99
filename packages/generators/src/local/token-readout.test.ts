// chooseToken: exact logprobs from the head of the logits, llama.cpp's sample at temperature 1, and sampling at another temperature and nucleus that matches the full distribution's.
import { seededRandom } from "@loom/core/internal";
import { describe, expect, it } from "vitest";
import { chooseToken, type NextTokenReadout } from "./token-readout.js";

/** A language-model-like distribution over `size` tokens (a few likely, a long tail), and its readout. */
function distribution(size: number, seed: number, flatness = 1.1) {
  const random = seededRandom(seed);
  const logits = Array.from({ length: size }, (_, i) => -Math.log(1 + i) * flatness + random() * 2);
  const max = Math.max(...logits);
  const total = logits.reduce((s, l) => s + Math.exp(l - max), 0);
  const logprob = logits.map((l) => l - max - Math.log(total));
  const order = [...logits.keys()].sort((a, b) => logits[b]! - logits[a]!);
  const readout = (sampled: number): NextTokenReadout => ({
    head: order.slice(0, 64).map((id) => [id, logits[id]!] as const),
    sampled,
    sampledLogit: logits[sampled]!,
    totalWeight: total,
  });
  return { logprob, order, readout };
}

/** The exact probabilities of sampling at temperature t with nucleus topP from full logprobs. */
function exactSampling(logprob: number[], t: number, topP: number): Map<number, number> {
  const order = [...logprob.keys()].sort((a, b) => logprob[b]! - logprob[a]!);
  const w = order.map((id) => Math.exp(logprob[id]! / t));
  const total = w.reduce((s, x) => s + x, 0);
  let cumulative = 0;
  let keep = order.length;
  for (let i = 0; i < order.length; i++) {
    cumulative += w[i]! / total;
    if (cumulative >= topP) {
      keep = i + 1;
      break;
    }
  }
  const mass = w.slice(0, keep).reduce((s, x) => s + x, 0);
  return new Map(order.slice(0, keep).map((id, i) => [id, w[i]! / mass]));
}

describe("chooseToken", () => {
  const base = { alternatives: 5, vocabularySize: 512, random: seededRandom(1) };

  it("reports logprobs and alternatives under the unfiltered distribution, from the head alone", () => {
    const { logprob, order, readout } = distribution(512, 3);
    const sampled = order[100]!; // a tail token llama.cpp happened to draw
    const chosen = chooseToken(readout(sampled), { ...base, temperature: 1, topP: 1 });
    expect(chosen.id).toBe(sampled);
    expect(chosen.logprob).toBeCloseTo(logprob[sampled]!, 12);
    expect(chosen.top.map((a) => a.id)).toEqual(order.slice(0, 5));
    chosen.top.forEach((a) => expect(a.logprob).toBeCloseTo(logprob[a.id]!, 12));
    expect(chooseToken(readout(sampled), { ...base, temperature: 0, topP: 1 }).id).toBe(order[0]);
  });

  it("samples at temperature 0.85 and top-p 0.92 as the full distribution would (total variation < 0.02 over 20,000 draws)", () => {
    for (const [seed, flatness] of [
      [3, 1.1],
      [4, 0.6], // flatter: the nucleus runs past the 64-token head, so the tail bucket is drawn too
    ] as const) {
      const { logprob, order, readout } = distribution(512, seed, flatness);
      const exact = exactSampling(logprob, 0.85, 0.92);
      const full = seededRandom(seed + 10);
      const sampling = { ...base, temperature: 0.85, topP: 0.92, random: seededRandom(seed + 20) };
      // llama.cpp's own sample: from the unfiltered distribution (temperature 1).
      const cumulative = logprob.map((l) => Math.exp(l));
      const drawFull = () => {
        let r = full();
        for (let i = 0; i < cumulative.length; i++) if ((r -= cumulative[i]!) < 0) return i;
        return cumulative.length - 1;
      };
      const counts = new Map<number, number>();
      const draws = 20_000;
      for (let i = 0; i < draws; i++) {
        const id = chooseToken(readout(drawFull()), sampling).id;
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      // Compared by rank bins (1, 2, 3, 4, 5–8, 9–16, 17–32, 33–64, the rest): few enough that 20,000 draws
      // measure each to about ±0.005, so a wrong tail or a wrong nucleus shows and chance does not.
      const edges = [1, 2, 3, 4, 8, 16, 32, 64];
      const rankOf = new Map(order.map((id, rank) => [id, rank]));
      const binOf = (id: number) => {
        const bin = edges.findIndex((edge) => rankOf.get(id)! < edge);
        return bin < 0 ? edges.length : bin;
      };
      const expected = new Array<number>(9).fill(0);
      const seen = new Array<number>(9).fill(0);
      for (const [id, p] of exact) expected[binOf(id)]! += p;
      for (const [id, c] of counts) seen[binOf(id)]! += c / draws;
      const tv = expected.reduce((s, e, i) => s + Math.abs(e - seen[i]!), 0) / 2;
      expect(tv).toBeLessThan(0.02);
    }
  });
});
