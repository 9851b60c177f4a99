// The llamacpp preset through the real openai SDK against a strict server answering in llama.cpp's own layout (logprobs.content[]).
import { LLAMACPP_RULES, startStrictReplayServer, type StrictReplayServer } from "@loom/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fixture, fixtureChunks, instantRetry } from "../__fixtures__/fixtures.js";
import { OpenAICompatibleGenerator } from "./openai-compatible-generator.js";

let server: StrictReplayServer;
beforeEach(async () => {
  server = await startStrictReplayServer(LLAMACPP_RULES);
});
afterEach(() => server.close());

const make = () =>
  new OpenAICompatibleGenerator({
    model: "stories15M",
    preset: "llamacpp",
    baseURL: `${server.url}/v1`,
    env: {},
    retry: instantRetry(),
  });
const request = { prompt: "Once upon a time", n: 2, maxTokens: 3, temperature: 1, topP: 1, logprobs: 2, seed: 4 };

describe("llamacpp preset", () => {
  it("reads tokens, logprobs and exactly the asked-for alternatives from logprobs.content[]", async () => {
    server.setFallback({ body: fixture("llamacpp-completion.json") });
    const r = await make().generate(request);
    expect(r.candidates).toHaveLength(2);
    const c = r.candidates[0]!;
    expect(c.text).toBe(" there was a");
    expect(c.tokens!.map((t) => t.text)).toEqual([" there", " was", " a"]);
    expect(c.tokens![1]).toEqual({
      text: " was",
      id: 471,
      logprob: -0.1893,
      top: [
        { text: " was", logprob: -0.1893 },
        { text: " lived", logprob: -1.9027 },
      ],
    });
    expect(c.stepLogprob).toBeCloseTo(-0.4712 - 0.1893 - 0.3356, 10);
    expect(r.meta["logprobsLayout"]).toBe("content");
  });

  it("switches off the server's own top_k 40 and min_p 0.05, sends one completion per request, and records what it sent", async () => {
    server.setFallback({ body: fixture("llamacpp-completion.json") });
    const r = await make().generate(request);
    expect(server.requests.map((q) => q.json)).toEqual([
      expect.objectContaining({ n: 1, top_k: 0, min_p: 0, logprobs: 2, temperature: 1, top_p: 1 }),
      expect.objectContaining({ n: 1, top_k: 0, min_p: 0, logprobs: 2 }),
    ]);
    expect(r.meta["sampling"]).toMatchObject({ temperature: 1, topP: 1, topK: 0, minP: 0, logprobs: 2 });
  });

  it("sends the session's top-k, min-p, logit bias and extra body fields as given, and records them", async () => {
    server.setFallback({ body: fixture("llamacpp-completion.json") });
    const controls = {
      topK: 20,
      minP: 0.1,
      logitBias: { "13": -100 },
      extraBody: { repeat_penalty: 1.1, mirostat: 0 },
    };
    const r = await make().generate({ ...request, ...controls });
    expect(server.requests[0]!.json).toMatchObject({
      top_k: 20,
      min_p: 0.1,
      logit_bias: { "13": -100 },
      repeat_penalty: 1.1,
      mirostat: 0,
    });
    expect(r.meta["sampling"]).toMatchObject({
      topK: 20,
      minP: 0.1,
      logitBias: { "13": -100 },
      extraBody: controls.extraBody,
    });
    expect(r.meta["params"]).toMatchObject({ repeat_penalty: 1.1 });
  });

  it("refuses extra body fields that would replace what Loom sets, before any request", async () => {
    await expect(make().generate({ ...request, extraBody: { n: 5, prompt: "x" } })).rejects.toThrow(
      /generator\.extraBody may not set n, prompt/,
    );
    expect(server.requests).toHaveLength(0);
  });

  it("streams one token per chunk with its logprobs", async () => {
    server.setFallback({ chunks: fixtureChunks("llamacpp-completion.chunks.txt") });
    let result;
    const deltas: string[] = [];
    for await (const e of make().stream({ ...request, n: 1 })) {
      if (e.type === "delta") deltas.push(e.text);
      else result = e.result;
    }
    expect(deltas).toEqual([" there", " was", " a"]);
    expect(result!.candidates[0]!.tokens!.map((t) => [t.text, t.logprob, t.top!.length])).toEqual([
      [" there", -0.4712, 2],
      [" was", -0.1893, 2],
      [" a", -0.3356, 2],
    ]);
    expect(result!.usage).toMatchObject({ promptTokens: 5, completionTokens: 3 });
    expect(server.requests[0]!.json).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it("a request with n > 1 breaks the server's rule and fails the test by name", async () => {
    const direct = await fetch(`${server.url}/v1/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ prompt: "x", n: 3 }),
    });
    expect(direct.status).toBe(400);
    expect(server.takeViolations().map((v) => v.rule)).toEqual(["llamacpp.n-within-slots"]);
  });
});
