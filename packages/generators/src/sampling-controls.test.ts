// Which generators refuse which sampling controls, before anything is sent; the local sampler's filters.
import { describe, expect, it } from "vitest";
import { filterDistribution } from "./local/token-sampler.js";
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

  it("the local sampler's filters: a bias of -100 bans a token, top-k and min-p cut the tail", () => {
    const d = [
      [1, 0.5],
      [2, 0.3],
      [3, 0.15],
      [4, 0.05],
    ] as const;
    expect(filterDistribution(d, { logitBias: { "1": -100 } }).map(([t]) => t)).toEqual([2, 3, 4]);
    expect(filterDistribution(d, { logitBias: { "1": -100 } })[0]![1]).toBeCloseTo(0.6, 10);
    expect(filterDistribution(d, { logitBias: { "4": 5 } })[0]![0]).toBe(4);
    expect(filterDistribution(d, { topK: 2 }).map(([t]) => t)).toEqual([1, 2]);
    expect(filterDistribution(d, { minP: 0.5 }).map(([t]) => t)).toEqual([1, 2]);
    expect(filterDistribution(d, {})).toBe(d);
  });
});
