// Tests of the local engine on the real stories260K model: candidates, logprobs, seeds, prefix reuse, overflow, attention kernel, abort.
import { afterAll, describe, expect, it } from "vitest";
import { LocalGenerator } from "./local-generator.js";

const modelPath = new URL("../../../../../shared/models/stories260K.gguf", import.meta.url).pathname;
const base = { n: 8, maxTokens: 6, temperature: 1, topP: 1, logprobs: 5 };
const story = "Once upon a time, there was a little girl named Lily. She loved to play outside.";

describe("LocalGenerator on stories260K", () => {
  const generator = new LocalGenerator({ modelPath, contextSize: 512 });
  afterAll(() => generator.close());

  it("samples 8 candidates that differ, with finite negative logprobs summing to stepLogprob", async () => {
    const result = await generator.generate({ ...base, prompt: story, seed: 11 });
    expect(result.candidates).toHaveLength(8);
    expect(new Set(result.candidates.map((c) => c.text)).size).toBeGreaterThan(1);
    for (const c of result.candidates) {
      expect(c.tokens!.length).toBeGreaterThan(0);
      expect(c.tokens!.map((t) => t.text).join("")).toBe(c.text);
      let sum = 0;
      for (const t of c.tokens!) {
        expect(Number.isFinite(t.logprob)).toBe(true);
        expect(t.logprob).toBeLessThan(0);
        sum += t.logprob!;
        const tops = t.top!.map((x) => x.logprob);
        for (const alt of t.top!) expect(Number.isInteger(alt.id)).toBe(true);
        expect(tops).toHaveLength(5);
        expect(tops).toEqual([...tops].sort((a, b) => b - a));
        // The sampled token's logprob cannot beat the most likely alternative.
        expect(t.logprob!).toBeLessThanOrEqual(tops[0]! + 1e-9);
      }
      expect(c.stepLogprob).toBeCloseTo(sum, 9);
    }
    expect(result.meta).toMatchObject({
      provider: "local",
      prompt: story,
      seed: 11,
      sampling: { n: 8, temperature: 1 },
    });
  });

  it("samples natively under top-k, min-p and a logit bias, logprobs still those of the unfiltered distribution", async () => {
    const greedy = await generator.generate({ ...base, n: 4, prompt: story, temperature: 0, seed: 3 });
    const topK1 = await generator.generate({ ...base, n: 4, prompt: story, topK: 1, seed: 3 });
    // Top-k 1 at temperature 1 is greedy: every candidate is the argmax path, with the same unfiltered logprobs.
    for (const c of topK1.candidates) {
      expect(c.text).toBe(greedy.candidates[0]!.text);
      c.tokens!.forEach((t, i) => {
        expect(t.logprob).toBeCloseTo(greedy.candidates[0]!.tokens![i]!.logprob!, 3);
        expect(t.logprob!).toBeLessThan(0);
      });
    }
    // A bias of -100 on the argmax's first token: it is never drawn, even greedily; its logprob is still listed.
    const banned = greedy.candidates[0]!.tokens![0]!;
    const bias = { [String(banned.id)]: -100 };
    for (const temperature of [0, 1]) {
      const r = await generator.generate({ ...base, n: 8, prompt: story, temperature, logitBias: bias, seed: 9 });
      for (const c of r.candidates) {
        expect(c.tokens![0]!.id).not.toBe(banned.id);
        expect(c.tokens![0]!.top![0]!.id).toBe(banned.id);
        expect(c.tokens![0]!.top![0]!.logprob).toBeCloseTo(banned.logprob!, 3);
      }
    }
    // Min-p 1 keeps only the likeliest token at each step: greedy again.
    const minP = await generator.generate({ ...base, n: 2, prompt: story, minP: 1, seed: 4 });
    for (const c of minP.candidates) expect(c.text).toBe(greedy.candidates[0]!.text);
    // Top-k 3: every drawn token is among the three likeliest the readout lists.
    const k3 = await generator.generate({ ...base, prompt: story, topK: 3, seed: 5 });
    for (const c of k3.candidates)
      for (const t of c.tokens!) expect(t.top!.slice(0, 3).map((a) => a.id)).toContain(t.id);
    expect(generator.capabilities.samplingControls).toEqual(["topK", "minP", "logitBias"]);
    await expect(generator.generate({ ...base, prompt: story, logitBias: { "999999": 5 } })).rejects.toThrow(
      /logitBias names token 999999, which this model's vocabulary \(512 tokens\) does not have/,
    );
  });

  it("gives the same candidates for the same seed, and others for another seed", async () => {
    const a = await generator.generate({ ...base, prompt: story, seed: 5 });
    const fresh = new LocalGenerator({ modelPath, contextSize: 512 });
    try {
      const b = await fresh.generate({ ...base, prompt: story, seed: 5 });
      expect(b.candidates.map((c) => c.text)).toEqual(a.candidates.map((c) => c.text));
      // Floating-point results differ in the last digits between a fresh and a reused prefix.
      b.candidates.forEach((c, i) => expect(c.stepLogprob).toBeCloseTo(a.candidates[i]!.stepLogprob!, 3));
    } finally {
      await fresh.close();
    }
    const c = await generator.generate({ ...base, prompt: story, seed: 6 });
    expect(c.candidates.map((x) => x.text)).not.toEqual(a.candidates.map((x) => x.text));
  });

  it("reuses the evaluated prefix when the next step extends the text", async () => {
    const first = await generator.generate({ ...base, prompt: story, seed: 1 });
    const next = story + first.candidates[0]!.text;
    const second = await generator.generate({ ...base, prompt: next, seed: 1 });
    const window = second.meta.promptWindow as {
      evaluatedTokens: number;
      totalTokens: number;
      copiedSequences: number;
    };
    expect(window.totalTokens).toBeGreaterThan(20);
    // The new tokens are evaluated once, in the main sequence, which the candidates' sequences that lack them copy
    // (a sequence whose own candidate was the one taken already holds them).
    expect(window.evaluatedTokens).toBeLessThanOrEqual(first.candidates[0]!.tokens!.length + 2 + 8);
    expect(window.copiedSequences).toBeGreaterThan(0);
  });

  it("decodes no prompt token twice: a step's candidates keep what their sequences already hold", async () => {
    // Token counts are node-llama-cpp's token meters over every sequence of the context (meta.promptWindow).
    const counts = async (g: LocalGenerator, prompt: string, seed: number) =>
      (await g.generate({ ...base, prompt, seed })).meta.promptWindow as {
        evaluatedTokens: number;
        totalTokens: number;
        copiedSequences: number;
      };
    const plain = new LocalGenerator({ modelPath, contextSize: 512, copyState: false });
    try {
      for (const g of [generator, plain]) {
        const first = await counts(g, story, 21);
        expect(first.totalTokens).toBeGreaterThan(15);
        // The same prompt again (another draw at the same node): each sequence keeps the prompt it holds and
        // drops only its candidate's tokens; only the last prompt token is decoded, once per candidate.
        const again = await counts(g, story, 22);
        expect(again).toMatchObject({ evaluatedTokens: 8, copiedSequences: 0 });
        // A longer prompt: each sequence evaluates (or copies) only the new tokens, never the whole prompt again.
        const added = " Her mom called her home for lunch.";
        const addedTokens = (await g.tokenize(added)).length;
        const longer = await counts(g, story + added, 23);
        expect(longer.evaluatedTokens).toBeLessThanOrEqual(8 * (addedTokens + 2));
        expect(longer.evaluatedTokens).toBeLessThan(8 * longer.totalTokens);
      }
    } finally {
      await plain.close();
    }
  });

  it("continues from the tail's token ids as given, and from the text when they cannot be this model's", async () => {
    const head = "Once upon a time, there was a";
    const words = " little girl";
    // Ids the tokeniser would never give for this text (one per character): the engine must take them as they are.
    const spelled: number[] = [];
    for (const ch of words) spelled.push(...(await generator.tokenize(ch)).slice(-1));
    const usual = await generator.tokenize(words);
    expect(spelled.length).toBeGreaterThan(usual.length);
    const headTokens = (await generator.tokenize(head)).length;
    const step = { ...base, n: 2, prompt: head + words, seed: 3 };
    const byIds = await generator.generate({ ...step, tail: { text: words, tokenIds: spelled } });
    expect(byIds.meta.continuedFromTokenIds).toBe(spelled.length);
    expect((byIds.meta.promptWindow as { totalTokens: number }).totalTokens).toBe(headTokens + spelled.length);
    // An id beyond the vocabulary (another model's) or a tail that does not end the prompt: the text is tokenised.
    for (const tail of [
      { text: words, tokenIds: [...usual.slice(0, -1), 512] },
      { text: " other", tokenIds: usual },
    ]) {
      const byText = await generator.generate({ ...step, tail });
      expect(byText.meta.continuedFromTokenIds).toBeUndefined();
      expect(byText.candidates).toHaveLength(2);
    }
  });

  it("keeps the tail of a text longer than the context", async () => {
    const long = Array.from({ length: 60 }, () => "Tom and Sue went to the park to play.").join(" ");
    const result = await generator.generate({ ...base, n: 2, prompt: long, seed: 2 });
    const window = result.meta.promptWindow as { startToken: number; totalTokens: number };
    expect(window.totalTokens).toBeGreaterThan(512);
    expect(window.startToken).toBeGreaterThan(0);
    expect(result.candidates.every((c) => c.text.length > 0)).toBe(true);
  });

  it("runs more than `parallel` candidates in waves and stops at stop sequences", async () => {
    const small = new LocalGenerator({ modelPath, contextSize: 512, parallel: 3 });
    try {
      const r = await small.generate({ ...base, n: 5, maxTokens: 30, prompt: story, seed: 3, stop: ["."] });
      expect(r.candidates).toHaveLength(5);
      for (const c of r.candidates) expect(c.text).not.toContain(".");
    } finally {
      await small.close();
    }
  });

  it("streams text deltas per candidate that add up to the candidates", async () => {
    const texts = ["", "", ""];
    let done: string[] = [];
    for await (const e of generator.stream({ ...base, n: 3, prompt: story, seed: 4 })) {
      if (e.type === "delta") texts[e.index] += e.text;
      else done = e.result.candidates.map((c) => c.text);
    }
    expect(texts).toEqual(done);
  });

  it("runs without flash attention on the CPU by default, with the same distribution as with it", async () => {
    expect((await generator.load()).flashAttention).toBe(false);
    const greedy = { ...base, n: 1, maxTokens: 4, temperature: 0, prompt: story, seed: 12 };
    const withFlash = new LocalGenerator({ modelPath, contextSize: 512, parallel: 1, flashAttention: true });
    try {
      expect((await withFlash.load()).flashAttention).toBe(true);
      const [a, b] = [
        (await generator.generate(greedy)).candidates[0]!,
        (await withFlash.generate(greedy)).candidates[0]!,
      ];
      expect(b.text).toBe(a.text);
      // F16 arithmetic differs between the two kernels in the third decimal; near-tied
      // alternatives may swap places, so they are compared by text.
      a.tokens!.forEach((t, i) => {
        const u = b.tokens![i]!;
        expect(u.logprob).toBeCloseTo(t.logprob!, 2);
        const other = new Map(u.top!.map((x) => [x.text, x.logprob]));
        const shared = t.top!.filter((x) => other.has(x.text));
        expect(shared.length).toBeGreaterThanOrEqual(4);
        for (const x of shared) expect(other.get(x.text)).toBeCloseTo(x.logprob, 2);
      });
    } finally {
      await withFlash.close();
    }
  });

  it("draws each token with its own random number: whether consecutive tokens are the model's favourite is uncorrelated", async () => {
    // One seed for every token of a candidate would draw each with the same uniform number: a low one makes every
    // token the favourite, a high one none, and the two indicators of consecutive tokens move together.
    const r = await generator.generate({ ...base, n: 32, maxTokens: 16, logprobs: 1, prompt: story, seed: 21 });
    const pairs: [number, number][] = [];
    for (const c of r.candidates) {
      const fav = c.tokens!.map((t) => (t.id === t.top![0]!.id ? 1 : 0));
      for (let i = 1; i < fav.length; i++) pairs.push([fav[i - 1]!, fav[i]!]);
    }
    expect(pairs.length).toBeGreaterThan(300);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const [a, b] = [pairs.map((p) => p[0]), pairs.map((p) => p[1])];
    const [ma, mb] = [mean(a), mean(b)];
    const cov = mean(pairs.map(([x, y]) => (x - ma) * (y - mb)));
    const phi = cov / Math.sqrt(ma * (1 - ma) * mb * (1 - mb));
    expect(Math.abs(phi)).toBeLessThan(0.2);
  });

  it("without node-llama-cpp's internal state copy (copyState: false) each sequence evaluates the prompt: the same candidates", async () => {
    const step = { ...base, n: 4, prompt: story, seed: 17 };
    const plain = new LocalGenerator({ modelPath, contextSize: 512, copyState: false });
    try {
      const [a, b] = [await generator.generate(step), await plain.generate(step)];
      expect(b.candidates.map((c) => c.text)).toEqual(a.candidates.map((c) => c.text));
      // A prompt evaluated in another batch differs in the F16 arithmetic's last digits.
      b.candidates.forEach((c, i) => expect(c.stepLogprob).toBeCloseTo(a.candidates[i]!.stepLogprob!, 2));
    } finally {
      await plain.close();
    }
  });

  it('gpu: "auto" runs on the CPU where node-llama-cpp finds no GPU backend, with the same candidates', async () => {
    const auto = new LocalGenerator({ modelPath, contextSize: 512, gpu: "auto" });
    try {
      // This repository's install carries no GPU binaries (pnpm-workspace.yaml's overrides): the fallback is the CPU.
      expect(await auto.load()).toMatchObject({ gpu: false, flashAttention: false });
      const step = { ...base, n: 3, prompt: story, seed: 8 };
      const [a, b] = [await generator.generate(step), await auto.generate(step)];
      expect(b.candidates.map((c) => c.text)).toEqual(a.candidates.map((c) => c.text));
    } finally {
      await auto.close();
    }
  });

  it("honours abort, then keeps working", async () => {
    const controller = new AbortController();
    const pending = generator.generate({ ...base, maxTokens: 200, prompt: story, seed: 9, signal: controller.signal });
    setTimeout(() => controller.abort(), 5);
    await expect(pending).rejects.toMatchObject({ code: "aborted" });
    const after = await generator.generate({ ...base, n: 2, prompt: story, seed: 9 });
    expect(after.candidates).toHaveLength(2);
  });
});
