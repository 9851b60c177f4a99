// The openrouter preset against a strict server with OpenRouter's documented request rules (logprobs as a flag, top_logprobs as the count).
import { OPENROUTER_RULES, startStrictReplayServer, type StrictReplayServer } from "@loom/testkit";
import { afterEach, beforeEach, expect, it } from "vitest";
import { fixture, instantRetry } from "../__fixtures__/fixtures.js";
import { OpenAICompatibleGenerator } from "./openai-compatible-generator.js";

let server: StrictReplayServer;
beforeEach(async () => {
  server = await startStrictReplayServer(OPENROUTER_RULES);
});
afterEach(() => server.close());

it("asks with logprobs: true and top_logprobs, fans out, and keeps the asked-for alternatives", async () => {
  // OpenRouter forwards the routed backend's completion; this one answers in the content layout.
  server.setFallback({ body: fixture("llamacpp-completion.json") });
  const g = new OpenAICompatibleGenerator({
    model: "meta-llama/llama-3.1-405b",
    preset: "openrouter",
    baseURL: `${server.url}/api/v1`,
    apiKey: "or-test",
    retry: instantRetry(),
  });
  const r = await g.generate({ prompt: "Once upon a time", n: 2, maxTokens: 3, temperature: 1, topP: 1, logprobs: 2 });
  expect(server.requests.map((q) => q.json)).toEqual([
    expect.objectContaining({ logprobs: true, top_logprobs: 2, n: 1 }),
    expect.objectContaining({ logprobs: true, top_logprobs: 2, n: 1 }),
  ]);
  expect(server.requests[0]!.headers["x-title"]).toBe("Loom");
  expect(r.candidates[0]!.tokens!.every((t) => t.top!.length === 2)).toBe(true);
});
