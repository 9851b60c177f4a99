// The Anthropic CLI-sim adapter with the real @anthropic-ai/sdk against a local server replaying recorded responses.
import { ANTHROPIC_RULES, startStrictReplayServer, type StrictReplayServer } from "@loom/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fixture, fixtureChunks, instantRetry } from "../__fixtures__/fixtures.js";
import { APICallError } from "../errors.js";
import { AnthropicCliSimGenerator, type AnthropicCliSimGeneratorOptions } from "./anthropic-cli-sim-generator.js";

const request = { prompt: "Once upon a time,", n: 3, maxTokens: 6, temperature: 1, topP: 1 };
let server: StrictReplayServer;
let delays: number[];
const make = (o: Partial<AnthropicCliSimGeneratorOptions> = {}) =>
  new AnthropicCliSimGenerator({ baseURL: server.url, apiKey: "sk-ant-test", retry: instantRetry(delays), ...o });

beforeEach(async () => {
  server = await startStrictReplayServer(ANTHROPIC_RULES);
  delays = [];
});
afterEach(() => server.close());

describe("AnthropicCliSimGenerator", () => {
  it("sends n concurrent CLI-sim requests to a current model with thinking off, and returns their continuations", async () => {
    server.setFallback({ body: fixture("anthropic-message.json"), delayMs: 30 });
    const r = await make().generate({ ...request, stop: ["The End"] });
    expect(server.requests).toHaveLength(3);
    const sent = server.requests[0]!;
    expect(sent.path).toBe("/v1/messages");
    expect(sent.headers.authorization ?? sent.headers["x-api-key"]).toMatch(/sk-ant-test/);
    expect(sent.json).toMatchObject({
      model: "claude-sonnet-5-5",
      max_tokens: 6,
      thinking: { type: "between_tools" },
      stop_sequences: ["The End"],
      messages: [
        { role: "user", content: "<cmd>head -c 17 draft.txt</cmd>" },
        { role: "assistant", content: "Once upon a time," },
        { role: "user", content: "<cmd>tail -c +18 draft.txt</cmd>" },
      ],
    });
    expect((sent.json as { system: string }).system).toMatch(/command-line simulator/);
    expect(r.candidates).toEqual(
      Array(3).fill({ text: " there lived a fox who", tokens: null, stepLogprob: null, finishReason: "length" }),
    );
    expect(r.usage).toEqual({ promptTokens: 336, completionTokens: 18, requests: 3 });
    expect(r.meta).toMatchObject({ provider: "anthropic-cli-sim", prompt: { messages: expect.any(Array) } });
    expect(r.meta["sampling"]).toMatchObject({
      temperature: null,
      topP: null,
      notSent: { temperature: 1, topP: 1 },
      stop: ["The End"],
    });
    for (const q of server.requests) expect(q.json).not.toHaveProperty("temperature");
  });

  it("with the default paragraph stop, sends no whitespace-only stop and cuts the text itself", async () => {
    server.setFallback({ body: fixture("anthropic-message-paragraph.json") });
    const r = await make().generate({ ...request, n: 2, stop: ["\n\n"] });
    expect(server.requests[0]!.json).not.toHaveProperty("stop_sequences");
    expect(r.candidates).toEqual(
      Array(2).fill({ text: " there lived a fox.", tokens: null, stepLogprob: null, finishReason: "stop" }),
    );
    expect(r.meta["sampling"]).toMatchObject({ stop: [], clientStop: ["\n\n"] });
  });

  it("cuts a whitespace-only stop in a stream too, holding back only what could start it", async () => {
    const paragraph = fixtureChunks("anthropic-message.chunks.txt").map((c) =>
      c.replace('"text":" a fox"', '"text":" a fox.\\n\\nThe"'),
    );
    server.setFallback({ chunks: paragraph });
    let text = "";
    let done;
    for await (const e of make().stream({ ...request, n: 1, stop: ["\n\n"] })) {
      if (e.type === "delta") text += e.text;
      else done = e.result;
    }
    expect(text).toBe(" there lived a fox.");
    expect(done!.candidates[0]).toMatchObject({ text: " there lived a fox.", finishReason: "stop" });
  });

  it("never stores an empty candidate when thinking ate the budget", async () => {
    server.setFallback({ body: fixture("anthropic-message-thinking-only.json") });
    const error = await make({ model: "claude-sonnet-5" })
      .generate({ ...request, n: 1 })
      .catch((e: unknown) => e);
    expect(APICallError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /claude-sonnet-5 returned no text \(stop_reason max_tokens; 6 of 6 output tokens went to thinking\)/,
    );
    expect(server.requests[0]!.json).toMatchObject({ thinking: { type: "disabled" } });
  });

  it("refuses prefill on a model that refuses it, before any request, naming the models that accept it", () => {
    expect(() => make({ mode: "prefill", model: "claude-sonnet-5-5" })).toThrow(
      /claude-sonnet-5-5 does not accept assistant prefill.*claude-haiku-4-5/,
    );
    expect(server.requests).toHaveLength(0);
  });

  it("refuses a model that always thinks, naming models that can write without thinking", () => {
    expect(() => make({ model: "claude-opus-5-5" })).toThrow(/claude-opus-5-5 always thinks.*claude-sonnet-5-5/);
  });

  it("caps concurrency", async () => {
    let inFlight = 0;
    let most = 0;
    server.setFallback(() => {
      inFlight++;
      most = Math.max(most, inFlight);
      setTimeout(() => inFlight--, 40);
      return { body: fixture("anthropic-message.json"), delayMs: 40 };
    });
    await make({ maxConcurrency: 2 }).generate({ ...request, n: 5 });
    expect(server.requests).toHaveLength(5);
    expect(most).toBeLessThanOrEqual(2);
  });

  it("prefills the assistant turn on the default prefill model and joins the continuation to the untrimmed text", async () => {
    server.enqueue({
      body: { ...(fixture("anthropic-message.json") as object), content: [{ type: "text", text: " lived a fox" }] },
    });
    const r = await make({ mode: "prefill" }).generate({ ...request, n: 1, prompt: "Once upon a time there " });
    expect(server.requests[0]!.json).toMatchObject({
      messages: [
        { role: "user", content: "<cmd>cat draft.txt</cmd>" },
        { role: "assistant", content: "Once upon a time there" },
      ],
    });
    expect(r.candidates[0]!.text).toBe("lived a fox");
    expect(r.meta.provider).toBe("anthropic-prefill");
    expect(r.meta["model"]).toBe("claude-haiku-4-5");
  });

  it("streams text deltas per candidate", async () => {
    server.setFallback({ chunks: fixtureChunks("anthropic-message.chunks.txt") });
    const texts = ["", ""];
    let done;
    for await (const e of make().stream({ ...request, n: 2 })) {
      if (e.type === "delta") texts[e.index] += e.text;
      else done = e.result;
    }
    expect(texts).toEqual([" there lived a fox", " there lived a fox"]);
    expect(done!.candidates[0]).toMatchObject({ text: " there lived a fox", finishReason: "stop" });
    expect(done!.usage).toEqual({ promptTokens: 224, completionTokens: 10, requests: 2 });
  });

  it("fails a 401 at once, naming the key variable for that base URL (LOOM_CUSTOM_API_KEY off Anthropic's own)", async () => {
    server.setFallback({ status: 401, body: fixture("anthropic-error-401.json") });
    const error = await make()
      .generate(request)
      .catch((e: unknown) => e);
    expect(APICallError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/401.*invalid x-api-key.*LOOM_CUSTOM_API_KEY/);
    expect(delays).toEqual([]);
  });

  it("retries an overloaded (529) candidate so the step still comes back whole", async () => {
    server.enqueue({ status: 529, body: fixture("anthropic-error-529.json"), headers: { "retry-after": "0" } });
    server.setFallback({ body: fixture("anthropic-message.json") });
    const r = await make().generate(request);
    expect(r.candidates).toHaveLength(3);
    expect(server.requests).toHaveLength(4);
    expect(delays).toEqual([0]);
  });

  it("aborts a stream mid-way and sends no more requests", async () => {
    server.setFallback({ chunks: fixtureChunks("anthropic-message.chunks.txt"), chunkDelayMs: 150 });
    const controller = new AbortController();
    const run = (async () => {
      for await (const e of make().stream({ ...request, n: 2, signal: controller.signal }))
        if (e.type === "delta") controller.abort();
    })();
    await expect(run).rejects.toMatchObject({ code: "aborted" });
    expect(server.requests).toHaveLength(2);
  });

  it("needs a key", () => {
    expect(() => new AnthropicCliSimGenerator({ env: {} })).toThrow(/ANTHROPIC_API_KEY/);
  });
});
