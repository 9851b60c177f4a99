// The server-side selector a session's config asks for, with API keys read from the server's environment (never from clients, never sent to the page).
import type { Loom } from "@loom/core";
import {
  anthropicAgentModel,
  anthropicDecisionModel,
  createAgenticSelector,
  createAutoSelector,
  createHybridSelector,
  createStatelessSelector,
  openaiAgentModel,
  openaiDecisionModel,
  type AgenticSelector,
  type HumanInterface,
  type Selector,
} from "@loom/selectors";
import { HttpError } from "../http/http-error.js";

type Env = Record<string, string | undefined>;

function keyFor(provider: string, env: Env): string {
  const name = provider === "anthropic" ? "ANTHROPIC_API_KEY" : provider === "openai" ? "OPENAI_API_KEY" : null;
  if (!name) throw new HttpError(400, "unknown_selector_provider", `selector provider "${provider}" is not supported (use "anthropic" or "openai")`, { field: "selector.provider" });
  const key = env[name];
  if (!key) throw new HttpError(409, "missing_api_key", `the server has no ${name} in its environment, which a ${provider} selector needs`);
  return key;
}

/** null for sessions the page drives (human mode). */
export function selectorForConfig(loom: Loom, human: HumanInterface, env: Env = process.env): Selector | AgenticSelector | null {
  const s = loom.config.selector;
  if (s.mode === "human") return null;
  if (s.mode === "auto") return createAutoSelector();
  const provider = s.provider ?? "anthropic";
  const model = s.model ?? (provider === "anthropic" ? "claude-sonnet-4-5" : "gpt-4o-mini");
  const client = { apiKey: keyFor(provider, env), model, ...(s.baseUrl ? { baseURL: s.baseUrl } : {}) };
  if (s.mode === "agentic") {
    return createAgenticSelector({ model: provider === "anthropic" ? anthropicAgentModel(client) : openaiAgentModel(client) });
  }
  const stateless = createStatelessSelector({ model: provider === "anthropic" ? anthropicDecisionModel(client) : openaiDecisionModel(client) });
  return s.mode === "hybrid" ? createHybridSelector({ llm: stateless, human }) : stateless;
}
