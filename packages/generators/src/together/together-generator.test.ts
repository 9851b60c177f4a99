// The Together adapter with the real together-ai SDK against a local server replaying recorded responses.
import { TOGETHER_RULES, startStrictReplayServer, type StrictReplayServer } from "@loom/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fixture, fixtureChunks, instantRetry } from "../__fixtures__/fixtures.js";
import { APICallError } from "../errors.js";
import { TogetherGenerator } from "./together-generator.js";

const request = { prompt: "Once upon a time", n: 2, maxTokens: 2, temperature: 0.9, topP: 0.95, logprobs: 2 };
let server: StrictReplayServer;
let delays: number[];
const make = () =>
  new TogetherGenerator({
    model: "meta-llama/Meta-Llama-3.1-8B",
    baseURL: `${server.url}/v1`,
    apiKey: "tk-test",
    retry: instantRetry(delays),
  });

beforeEach(async () => {
  server = await startStrictReplayServer(TOGETHER_RULES);
  delays = [];
});
afterEach(() => server.close());

describe("TogetherGenerator", () => {
  it("maps completions with logprobs into candidates with sorted, trimmed alternatives", async () => {
    server.enqueue({ body: fixture("together-completion-logprobs.json") });
    const r = await make().generate({ ...request, seed: 4711 });
    expect(server.requests[0]!.path).toBe("/v1/completions");
    expect(server.requests[0]!.headers.authorization).toBe("Bearer tk-test");
    expect(server.requests[0]!.json).toMatchObject({
      n: 2,
      logprobs: 2,
      max_tokens: 2,
      temperature: 0.9,
      top_p: 0.95,
      seed: 4711,
    });
    const [a, b] = r.candidates;
    expect(a).toMatchObject({ text: " there lived", finishReason: "length" });
    expect(a!.tokens![0]).toEqual({
      text: " there",
      id: 1070,
      logprob: -0.52,
      top: [
        { text: " there", logprob: -0.52 },
        { text: " was", logprob: -1.3 },
      ],
    });
    expect(b!.finishReason).toBe("stop");
    expect(b!.stepLogprob).toBeCloseTo(-5.25, 10);
    expect(r.usage).toEqual({ promptTokens: 5, completionTokens: 4, requests: 1 });
  });

  it("streams one token per chunk with its logprob", async () => {
    server.enqueue({ chunks: fixtureChunks("together-completion.chunks.txt") });
    const deltas: string[] = [];
    let done;
    for await (const e of make().stream({ ...request, n: 1 })) {
      if (e.type === "delta") deltas.push(e.text);
      else done = e.result;
    }
    expect(deltas).toEqual([" there", " lived"]);
    expect(done!.candidates[0]).toMatchObject({
      text: " there lived",
      finishReason: "length",
      stepLogprob: -0.52 - 0.71,
    });
    expect(done!.candidates[0]!.tokens!.map((t) => t.id)).toEqual([1070, 12439]);
  });

  it("fails a 401 without retrying and names TOGETHER_API_KEY", async () => {
    server.enqueue({ status: 401, body: fixture("together-error-401.json") });
    const error = await make()
      .generate(request)
      .catch((e: unknown) => e);
    expect(APICallError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/401.*Invalid API key.*LOOM_CUSTOM_API_KEY/);
    expect(server.requests).toHaveLength(1);
  });

  it("retries a 503 honouring retry-after, and a connection reset", async () => {
    server.enqueue(
      { status: 503, headers: { "retry-after": "1" }, body: { error: { message: "overloaded" } } },
      { reset: true },
      { body: fixture("together-completion-logprobs.json") },
    );
    const r = await make().generate(request);
    expect(r.candidates).toHaveLength(2);
    expect(delays[0]).toBe(1000);
    expect(server.requests).toHaveLength(3);
  });

  it("requires a key", () => {
    expect(() => new TogetherGenerator({ model: "m", env: {} })).toThrow(/TOGETHER_API_KEY/);
  });
});
