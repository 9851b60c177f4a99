// The OpenAI-compatible adapter with the real openai SDK against a local server replaying recorded responses.
import { OPENAI_COMPLETIONS_RULES, startStrictReplayServer, type StrictReplayServer } from "@loom/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fixture, fixtureChunks, instantRetry } from "../__fixtures__/fixtures.js";
import { APICallError, MissingApiKeyError, PartialStepError } from "../errors.js";
import { OpenAICompatibleGenerator, type OpenAICompatibleGeneratorOptions } from "./openai-compatible-generator.js";

const request = { prompt: "Once upon a time", n: 2, maxTokens: 3, temperature: 1, topP: 1, logprobs: 2 };
let server: StrictReplayServer;
let delays: number[];
const make = (o: Partial<OpenAICompatibleGeneratorOptions> = {}) =>
  new OpenAICompatibleGenerator({
    model: "gpt-3.5-turbo-instruct",
    baseURL: `${server.url}/v1`,
    apiKey: "sk-test",
    retry: instantRetry(delays),
    ...o,
  });

beforeEach(async () => {
  server = await startStrictReplayServer(OPENAI_COMPLETIONS_RULES);
  delays = [];
});
afterEach(() => server.close());

describe("OpenAICompatibleGenerator", () => {
  it("sends one completions request with n and maps logprobs into tokens", async () => {
    server.enqueue({ body: fixture("openai-completion-logprobs.json") });
    const r = await make().generate({ ...request, seed: 7, stop: ["\n"] });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.path).toBe("/v1/completions");
    expect(server.requests[0]!.headers.authorization).toBe("Bearer sk-test");
    expect(server.requests[0]!.json).toMatchObject({
      model: "gpt-3.5-turbo-instruct",
      prompt: "Once upon a time",
      n: 2,
      max_tokens: 3,
      logprobs: 2,
      seed: 7,
      stop: ["\n"],
    });
    expect(r.candidates.map((c) => c.text)).toEqual([" a fox who", " the river."]);
    const [a, b] = r.candidates;
    expect(a!.tokens![1]).toEqual({
      text: " fox",
      logprob: -2.42,
      top: [
        { text: " little", logprob: -1.1 },
        { text: " fox", logprob: -2.42 },
      ],
    });
    expect(a!.stepLogprob).toBeCloseTo(-0.31 - 2.42 - 0.87, 10);
    expect(a!.finishReason).toBe("length");
    expect(b!.finishReason).toBe("stop");
    expect(b!.tokens![1]!.top!.map((t) => t.text)).toEqual([" sea", " river"]);
    expect(r.usage).toEqual({ promptTokens: 5, completionTokens: 6, requests: 1 });
    expect(r.meta).toMatchObject({
      provider: "openai",
      prompt: "Once upon a time",
      sampling: { n: 2, seed: 7 },
      params: { max_tokens: 3 },
    });
  });

  it("fans out one request per candidate, each with its own seed, on a server without native n", async () => {
    server.setFallback({ body: fixture("openai-completion-single.json") });
    const g = make({ preset: "hyperbolic", model: "davinci-002" });
    expect(g.capabilities.nativeN).toBe(false);
    const r = await g.generate({ ...request, n: 3, seed: 10 });
    expect(r.candidates).toHaveLength(3);
    expect(server.requests).toHaveLength(3);
    expect(server.requests.map((q) => (q.json as { n: number; seed: number }).n)).toEqual([1, 1, 1]);
    expect(server.requests.map((q) => (q.json as { seed: number }).seed).sort()).toEqual([10, 11, 12]);
    expect(r.usage.requests).toBe(3);
  });

  it("streams text deltas per candidate and returns the same candidates as the whole result", async () => {
    // OpenAI sends the usage chunk only when stream_options.include_usage asks for it.
    server.enqueue((req) => {
      const asked =
        (req.json as { stream_options?: { include_usage?: boolean } }).stream_options?.include_usage === true;
      const chunks = fixtureChunks("openai-completion.chunks.txt");
      const usage = `data: ${JSON.stringify({ id: "cmpl-s1", object: "text_completion", created: 1764059002, choices: [], model: "gpt-3.5-turbo-instruct:20230824-v2", usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 } })}\n\n`;
      return { chunks: asked ? [...chunks.slice(0, -1), usage, chunks.at(-1)!] : chunks, chunkDelayMs: 2 };
    });
    const deltas: string[][] = [[], []];
    let result;
    for await (const e of make().stream({ ...request, maxTokens: 2 })) {
      if (e.type === "delta") deltas[e.index]!.push(e.text);
      else result = e.result;
    }
    expect(deltas).toEqual([
      [" a", " fox"],
      [" the", " river"],
    ]);
    expect(result!.candidates.map((c) => c.text)).toEqual([" a fox", " the river"]);
    expect(result!.candidates[1]!.stepLogprob).toBeCloseTo(-4.35, 10);
    expect(result!.candidates[1]!.finishReason).toBe("length");
    expect(server.requests[0]!.json).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(result!.usage).toMatchObject({ promptTokens: 5, completionTokens: 4 });
  });

  it("sends at most the 4 stops the API takes and applies the rest to the text itself", async () => {
    server.enqueue({ body: fixture("openai-completion-logprobs.json") });
    const r = await make().generate({ ...request, stop: ["\n", "###", "THE END", "Chapter", " who"] });
    expect((server.requests[0]!.json as { stop: string[] }).stop).toEqual(["\n", "###", "THE END", "Chapter"]);
    expect(r.candidates[0]).toMatchObject({ text: " a fox", finishReason: "stop" });
    expect(r.candidates[0]!.tokens!.map((t) => t.text)).toEqual([" a", " fox"]);
    expect(r.meta["sampling"]).toMatchObject({ stop: ["\n", "###", "THE END", "Chapter"], clientStop: [" who"] });
  });

  it("keeps exactly the asked-for number of alternatives when a server sends one more", async () => {
    server.enqueue({ body: fixture("openai-completion-logprobs.json") });
    const r = await make({ preset: "vllm", env: {} }).generate({ ...request, logprobs: 1 });
    expect(r.candidates[0]!.tokens!.every((t) => t.top!.length === 1)).toBe(true);
    expect(r.candidates[0]!.tokens![1]!.top).toEqual([{ text: " little", logprob: -1.1 }]);
  });

  it("sends OPENAI_API_KEY only to OpenAI: another base URL needs apiKey or LOOM_CUSTOM_API_KEY", () => {
    const env = { OPENAI_API_KEY: "sk-real" };
    expect(
      () => new OpenAICompatibleGenerator({ model: "davinci-002", baseURL: "http://127.0.0.1:9/v1", env }),
    ).toThrow(/LOOM_CUSTOM_API_KEY/);
    expect(new OpenAICompatibleGenerator({ model: "davinci-002", env }).baseURL).toBe("https://api.openai.com/v1");
    expect(
      () =>
        new OpenAICompatibleGenerator({
          model: "davinci-002",
          baseURL: "http://127.0.0.1:9/v1",
          env: { ...env, LOOM_CUSTOM_API_KEY: "k" },
        }),
    ).not.toThrow();
  });

  it("fails a 401 at once with a message naming the key variable", async () => {
    server.enqueue({ status: 401, body: fixture("openai-error-401.json") });
    const error = await make()
      .generate(request)
      .catch((e: unknown) => e);
    expect(APICallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 401, isRetryable: false });
    expect((error as Error).message).toMatch(/HTTP 401.*Incorrect API key.*LOOM_CUSTOM_API_KEY/);
    expect(server.requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it("waits as long as retry-after says after a 429, then succeeds", async () => {
    server.enqueue(
      { status: 429, headers: { "retry-after": "2" }, body: fixture("openai-error-429.json") },
      { body: fixture("openai-completion-logprobs.json") },
    );
    const r = await make().generate(request);
    expect(r.candidates).toHaveLength(2);
    expect(delays).toEqual([2000]);
    expect(r.usage.requests).toBe(2);
  });

  it("fails at once, saying the wait, when retry-after is longer than the cap", async () => {
    server.enqueue({ status: 429, headers: { "retry-after": "600" }, body: fixture("openai-error-429.json") });
    const error = await make()
      .generate(request)
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/asked to wait 600 s before retrying, longer than the 60 s Loom waits/);
    expect(server.requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it("retries a connection reset mid-body (undici 'terminated') and names the URL if it persists", async () => {
    server.enqueue(
      { body: fixture("openai-completion-logprobs.json"), resetAfterBytes: 60 },
      { body: fixture("openai-completion-logprobs.json") },
    );
    const r = await make().generate(request);
    expect(r.candidates).toHaveLength(2);
    expect(server.requests).toHaveLength(2);
    server.setFallback({ body: fixture("openai-completion-logprobs.json"), resetAfterBytes: 60 });
    const error = await make()
      .generate(request)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ isRetryable: true });
    expect((error as Error).message).toContain(
      `connection to ${server.url}/v1 was reset while the response was arriving`,
    );
  });

  it("retries a 500 with backoff and then succeeds", async () => {
    server.enqueue(
      { status: 500, body: fixture("openai-error-500.json") },
      { body: fixture("openai-completion-logprobs.json") },
    );
    const r = await make().generate(request);
    expect(r.candidates).toHaveLength(2);
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThan(0);
  });

  it("gives up after the retries and reports the last error", async () => {
    server.setFallback({ status: 503, body: fixture("openai-error-500.json") });
    const error = await make()
      .generate(request)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ statusCode: 503, isRetryable: true });
    expect(server.requests).toHaveLength(3);
    expect(delays).toHaveLength(2);
    expect(delays[1]!).toBeGreaterThan(delays[0]!);
  });

  it("retries a timeout", async () => {
    server.enqueue(
      { delayMs: 400, body: fixture("openai-completion-logprobs.json") },
      { body: fixture("openai-completion-logprobs.json") },
    );
    const r = await make({ timeout: 100 }).generate(request);
    expect(r.candidates).toHaveLength(2);
    expect(server.requests).toHaveLength(2);
  });

  it("reports a timeout that persists as a retryable timeout error", async () => {
    server.setFallback({ delayMs: 300, body: fixture("openai-completion-logprobs.json") });
    const error = await make({ timeout: 50, retry: instantRetry(delays, 1) })
      .generate(request)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ isRetryable: true });
    expect((error as Error).message).toMatch(/timed out/);
  });

  it("retries a connection reset", async () => {
    server.enqueue({ reset: true }, { body: fixture("openai-completion-logprobs.json") });
    const r = await make().generate(request);
    expect(r.candidates).toHaveLength(2);
    expect(server.requests).toHaveLength(2);
  });

  it("rejects a malformed body without retrying", async () => {
    server.enqueue({ body: '{"id":"cmpl-1","choices":[{"text":" a', headers: { "content-type": "application/json" } });
    const error = await make()
      .generate(request)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ isRetryable: false });
    expect((error as Error).message).toMatch(/malformed response body/);
    expect(server.requests).toHaveLength(1);
  });

  it("rejects a response without choices", async () => {
    server.enqueue({ body: { id: "x", object: "text_completion", choices: [] } });
    await expect(make().generate(request)).rejects.toThrow(/no choices/);
  });

  it("stops a stream when aborted mid-way and throws an abort, without retrying", async () => {
    const chunks = fixtureChunks("openai-completion.chunks.txt");
    server.enqueue({ chunks, chunkDelayMs: 200 });
    const controller = new AbortController();
    const seen: string[] = [];
    const run = (async () => {
      for await (const e of make().stream({ ...request, signal: controller.signal })) {
        if (e.type === "delta") {
          seen.push(e.text);
          controller.abort();
        }
      }
    })();
    await expect(run).rejects.toMatchObject({ code: "aborted" });
    expect(seen).toEqual([" a"]);
    expect(server.requests).toHaveLength(1);
  });

  it("discards the whole step when one of the fanned-out candidates keeps failing", async () => {
    server.enqueue(
      { body: fixture("openai-completion-single.json") },
      { status: 400, body: { error: { message: "bad prompt", type: "invalid_request_error" } } },
    );
    server.setFallback({ body: fixture("openai-completion-single.json"), delayMs: 50 });
    const error = await make({ preset: "hyperbolic", model: "davinci-002" })
      .generate({ ...request, n: 4 })
      .catch((e: unknown) => e);
    expect(APICallError.isInstance(error) || PartialStepError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/bad prompt/);
  });

  it("names the environment variable when the key is missing", () => {
    expect(() => new OpenAICompatibleGenerator({ model: "m", preset: "fireworks", env: {} })).toThrow(
      MissingApiKeyError,
    );
    expect(() => new OpenAICompatibleGenerator({ model: "m", preset: "fireworks", env: {} })).toThrow(
      /FIREWORKS_API_KEY/,
    );
    expect(
      new OpenAICompatibleGenerator({ model: "m", preset: "fireworks", env: { FIREWORKS_API_KEY: "k" } }).baseURL,
    ).toMatch(/fireworks/);
  });
});
