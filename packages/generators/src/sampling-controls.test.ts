// Which generators refuse which sampling controls, before anything is sent; the local engine's draw under them.
import { describe, expect, it } from "vitest";
import { seededRandom } from "@loom/core/internal";
import { chooseToken, type ReadoutFilters } from "./local/token-readout.js";
import { OpenAICompatibleGenerator } from "./openai-compatible/openai-compatible-generator.js";
import { refuseUnsupportedSampling } from "./sampling-controls.js";

const request = { prompt: "Once", n: 1, maxTokens: 2, temperature: 1, topP: 1 };

describe("sampling controls", () => {
  it("OpenAI's hosted completions take a logit bias but no top-k or min-p; the refusal names the settings", async () => {
    const openai = new OpenAICompatibleGenerator({ model: "davinci-002", env: {}, apiKey: "sk-test" });
    expect(() => refuseUnsupportedSampling(openai, { ...request, logitBias: { "1": 2 } })).not.toThrow();
    await expect(openai.generate({ ...request, topK: 5, minP: 0.2 })).rejects.toThrow(
      /cannot honour topK, minP: clear generator\.topK, generator\.minP/,
    );
  });

  it("Ollama's OpenAI layer takes none of them, but the passthrough", () => {
    const ollama = new OpenAICompatibleGenerator({ model: "llama3", preset: "ollama", env: {} });
    expect(() => refuseUnsupportedSampling(ollama, { ...request, extraBody: { num_ctx: 4096 } })).not.toThrow();
    expect(() => refuseUnsupportedSampling(ollama, { ...request, topK: 3 })).toThrow(/ollama.*cannot honour topK/);
  });

  it("the local engine's draw under top-k, min-p and a logit bias; logprobs stay those of the unfiltered distribution", () => {
    // Four likely tokens read as the head (logits), the rest of a 512-token vocabulary in the total weight.
    const head = [
      [1, 2.0],
      [2, 1.5],
      [3, 0.8],
      [4, -0.6],
    ] as const;
    const totalWeight = head.reduce((s, [, l]) => s + Math.exp(l - 2), 0) + 0.05;
    const readout = { head, sampled: 1, sampledLogit: 2, totalWeight, listed: [[77, -3]] as const };
    const random = seededRandom(11);
    const draw = (filters: ReadoutFilters, temperature = 1) =>
      chooseToken(readout, { temperature, topP: 1, alternatives: 3, vocabularySize: 512, random, filters });
    const counts = (filters: ReadoutFilters) => {
      const seen = new Map<number, number>();
      for (let i = 0; i < 4000; i++) {
        const id = draw(filters).id;
        seen.set(id, (seen.get(id) ?? 0) + 1);
      }
      return seen;
    };
    expect([...counts({ topK: 2 }).keys()].sort()).toEqual([1, 2]);
    expect(counts({ topK: 1 })).toEqual(new Map([[1, 4000]]));
    expect(counts({ logitBias: new Map([[1, -100]]) }).has(1)).toBe(false);
    // min-p 0.4: token 3 is e^-1.2 ≈ 0.30 of the likeliest, token 2 e^-0.5 ≈ 0.61.
    expect([...counts({ minP: 0.4 }).keys()].sort()).toEqual([1, 2]);
    // +8 on a token read only by id (outside the head) makes it the likeliest.
    const lifted = counts({ logitBias: new Map([[77, 8]]) });
    expect(lifted.get(77)!).toBeGreaterThan(2000);
    // Greedy under a ban: the best token left.
    expect(draw({ logitBias: new Map([[1, -100]]) }, 0).id).toBe(2);
    // The logprob and alternatives are the unfiltered distribution's whatever the filters.
    const plain = draw({ topK: 1 });
    const lp = (l: number) => l - 2 - Math.log(totalWeight);
    expect(plain.logprob).toBeCloseTo(lp(2), 12);
    expect(plain.top.map((t) => t.id)).toEqual([1, 2, 3]);
    expect(plain.top[1]!.logprob).toBeCloseTo(lp(1.5), 12);
    expect(draw({ logitBias: new Map([[77, 30]]) }).logprob).toBeCloseTo(lp(-3), 12);
  });
});
