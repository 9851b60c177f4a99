// `loom doctor`'s generator probe against the strict replay server of each service shape, through the real SDKs.
import {
  ANTHROPIC_RULES,
  LLAMACPP_RULES,
  OLLAMA_RULES,
  OPENAI_COMPLETIONS_RULES,
  TOGETHER_RULES,
  VLLM_RULES,
  startStrictReplayServer,
  type ServiceRules,
} from "@loom/testkit";
import { describe, expect, it } from "vitest";
import { fixture } from "../__fixtures__/fixtures.js";
import { probeGeneratorConfig } from "./probe-generator-config.js";

const noRetry = { maxRetries: 0 };

async function probe(rules: ServiceRules, body: unknown, config: Record<string, unknown>, status = 200) {
  const server = await startStrictReplayServer(rules);
  try {
    server.setFallback({ status, body });
    const report = await probeGeneratorConfig(
      {
        ...config,
        baseUrl: `${server.url}${config["provider"] === "anthropic-cli-sim" ? "" : "/v1"}`,
        retry: noRetry,
      } as never,
      { LOOM_CUSTOM_API_KEY: "k" },
    );
    return { report, requests: server.requests.length };
  } finally {
    await server.close();
  }
}

describe("doctor: generator probe per service shape", () => {
  it("OpenAI completions: legacy layout, native n, 5 alternatives, stop sent", async () => {
    const { report, requests } = await probe(OPENAI_COMPLETIONS_RULES, fixture("openai-completion-logprobs.json"), {
      provider: "openai",
      model: "davinci-002",
    });
    expect(requests).toBe(1);
    expect(report).toMatchObject({
      ok: true,
      reachable: true,
      auth: true,
      modelServed: true,
      nativeN: true,
      logprobs: { layout: "legacy", alternatives: 2, limit: 5 },
      stop: { sent: ["\n\n"], clientSide: [] },
    });
    expect(report.cost).toEqual({ requests: 1, inputTokens: 5, outputTokens: 6 });
  });

  it("llama.cpp: content layout, one request per candidate, its own top_k/min_p switched off", async () => {
    const { report } = await probe(LLAMACPP_RULES, fixture("llamacpp-completion.json"), {
      provider: "llamacpp",
      model: "stories15M",
    });
    expect(report).toMatchObject({
      ok: true,
      nativeN: false,
      logprobs: { layout: "content", alternatives: 3, limit: 5 },
    });
  });

  it("vLLM: legacy layout, up to 20 alternatives allowed", async () => {
    const { report } = await probe(VLLM_RULES, fixture("openai-completion-single.json"), {
      provider: "vllm",
      model: "meta-llama/Llama-3.1-8B",
    });
    expect(report).toMatchObject({
      ok: true,
      nativeN: true,
      logprobs: { layout: "legacy", alternatives: 2, limit: 5 },
    });
  });

  it("Together: one map of alternatives per token", async () => {
    const single = fixture("together-completion-logprobs.json") as { choices: unknown[] };
    const { report } = await probe(
      TOGETHER_RULES,
      { ...single, choices: single.choices.slice(0, 1) },
      { provider: "together", model: "meta-llama/Meta-Llama-3.1-8B" },
    );
    expect(report).toMatchObject({ ok: true, logprobs: { layout: "legacy", alternatives: 3, limit: 5 } });
  });

  it("Ollama: no logprobs through its OpenAI layer; its own top_k 40 is reported", async () => {
    const single = fixture("openai-completion-single.json") as { choices: Record<string, unknown>[] };
    const { report } = await probe(
      OLLAMA_RULES,
      { ...single, choices: [{ ...single.choices[0], logprobs: null }] },
      { provider: "ollama", model: "llama3.1:8b-text" },
    );
    expect(report.ok).toBe(true);
    expect(report.logprobs).toBeNull();
    expect(report.facts.join("\n")).toMatch(/top_k 40 that Loom cannot switch off/);
  });

  it("Anthropic CLI-sim: stop cut by Loom, prefill and thinking facts, no sampling sent", async () => {
    const { report } = await probe(ANTHROPIC_RULES, fixture("anthropic-message.json"), {
      provider: "anthropic-cli-sim",
      model: "claude-sonnet-5-5",
    });
    expect(report).toMatchObject({
      ok: true,
      nativeN: false,
      logprobs: null,
      stop: { sent: [], clientSide: ["\n\n"] },
    });
    expect(report.facts.join("\n")).toMatch(
      /prefill: refused.*\n.*thinking: on by default, turned off with thinking.type "between_tools"/,
    );
  });

  it("says auth failed on a 401 and the model is not served on a 404", async () => {
    const denied = await probe(
      OPENAI_COMPLETIONS_RULES,
      fixture("openai-error-401.json"),
      { provider: "openai", model: "davinci-002" },
      401,
    );
    expect(denied.report).toMatchObject({ ok: false, reachable: true, auth: false });
    const missing = await probe(
      OPENAI_COMPLETIONS_RULES,
      { error: { message: "The model `text-davinci-003` does not exist" } },
      { provider: "openai", model: "davinci-002" },
      404,
    );
    expect(missing.report).toMatchObject({ ok: false, reachable: true, auth: true, modelServed: false });
  });

  it("says unreachable when nothing answers, and reports a config it cannot build without a request", async () => {
    const gone = await probeGeneratorConfig(
      { provider: "vllm", model: "m", baseUrl: "http://127.0.0.1:9/v1", retry: noRetry } as never,
      {},
    );
    expect(gone).toMatchObject({ ok: false, reachable: false, auth: null });
    const prefill = await probeGeneratorConfig(
      { provider: "anthropic-prefill", model: "claude-sonnet-5-5" },
      { ANTHROPIC_API_KEY: "k" },
    );
    expect(prefill).toMatchObject({ ok: false, cost: { requests: 0 } });
    expect(prefill.error).toMatch(/does not accept assistant prefill/);
  });
});
