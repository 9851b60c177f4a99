// One tiny real decision (two one-word candidates) through the configured selector's model, and what it shows.
import { emptyBrief, type SelectorConfig, type ServiceProbe } from "@loom/core";
import { anthropicModelFacts, classifyFailure, failedProbe } from "@loom/core/internal";
import { checkDecision } from "./decision.js";
import { clientConfig, decisionModelFor } from "./create-selector.js";
import { SelectorError } from "./selector-error.js";
import { buildStatelessPrompt } from "./stateless-prompt.js";

const CANDIDATES = [
  { id: "a", text: " sea.", stepLogprob: -1.2 },
  { id: "b", text: " sky.", stepLogprob: -2.3 },
];

function facts(provider: string, model: string): string[] {
  if (provider !== "anthropic")
    return ["max_completion_tokens is sent, no temperature (reasoning models refuse both others)"];
  const f = anthropicModelFacts(model);
  return [
    `thinking: ${f.thinkingOff === null ? "always on; Loom sends adaptive with a 16,000-token budget" : "switched off for decisions"}`,
    "tool_choice: auto (forced tool use is refused by the newest models and while thinking); invalid replies are repaired",
    "sampling: temperature, top_p and top_k are not sent (API version 2026-10-21)",
  ];
}

/** Probe the selector a config names. Human and auto selectors call no service and report ok without a request. */
export async function probeSelectorConfig(
  config: SelectorConfig,
  env: Record<string, string | undefined>,
  signal?: AbortSignal,
): Promise<ServiceProbe> {
  const empty = { nativeN: null, logprobs: null, stop: null, cost: { requests: 0, inputTokens: 0, outputTokens: 0 } };
  if (config.mode === "human" || config.mode === "auto") {
    return {
      role: "selector",
      provider: config.mode,
      model: "",
      baseURL: null,
      reachable: true,
      auth: null,
      modelServed: null,
      ...empty,
      facts: ["calls no model"],
      error: null,
      ok: true,
    };
  }
  let route;
  try {
    route = clientConfig(config, env);
  } catch (error) {
    return failedProbe(
      "selector",
      { provider: config.provider ?? "", model: config.model ?? "", baseURL: config.baseUrl },
      error,
    );
  }
  const base = {
    role: "selector" as const,
    provider: route.provider,
    model: route.client.model,
    baseURL: route.client.baseURL,
    ...empty,
    facts: facts(route.provider, route.client.model),
  };
  const prompt = buildStatelessPrompt({
    brief: emptyBrief(),
    fullText: "The boat went out to the",
    candidates: CANDIDATES,
    showLogprobs: true,
    allowClarify: false,
  });
  try {
    const reply = await decisionModelFor(config, env).decide(prompt, signal ? { signal } : {});
    const valid =
      reply.parseError === undefined &&
      checkDecision(reply.value, { candidateIds: CANDIDATES.map((c) => c.id), allowClarify: false }).ok;
    return {
      ...base,
      reachable: true,
      auth: true,
      modelServed: true,
      cost: { requests: 1, inputTokens: reply.inputTokens, outputTokens: reply.outputTokens },
      error: valid
        ? null
        : `the reply was not a valid decision (Loom would send it back for repair): ${reply.parseError ?? reply.raw.slice(0, 200)}`,
      ok: valid,
    };
  } catch (error) {
    const status = SelectorError.isInstance(error) ? (error.status ?? undefined) : undefined;
    return {
      ...base,
      ...classifyFailure(status),
      cost: { requests: 1, inputTokens: 0, outputTokens: 0 },
      error: (error as Error).message,
      ok: false,
    };
  }
}
