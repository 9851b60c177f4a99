// Builds the selector a session's `SelectorConfig` names, so every app turns a config into a selector the same way.
import type { SelectorConfig } from "@loom/core";
import { anthropicAgentModel } from "./anthropic-agent-model.js";
import { anthropicDecisionModel } from "./anthropic-decision-model.js";
import { createAgenticSelector, type AgenticSelector } from "./agentic-selector.js";
import { createAutoSelector } from "./auto-selector.js";
import type { HumanInterface } from "./human-interface.js";
import { createHumanSelector } from "./human-selector.js";
import { createHybridSelector } from "./hybrid-selector.js";
import { openaiAgentModel } from "./openai-agent-model.js";
import { openaiDecisionModel } from "./openai-decision-model.js";
import { SelectorError } from "./selector-error.js";
import type { Selector } from "./selector.js";
import { createStatelessSelector } from "./stateless-selector.js";

/** The LLM providers a config may name, and the environment variable each one's API key comes from. */
export const SELECTOR_PROVIDERS = { anthropic: "ANTHROPIC_API_KEY", openai: "OPENAI_API_KEY" } as const;
export type SelectorProvider = keyof typeof SELECTOR_PROVIDERS;

/** What is wrong with a config, so that an app can point at its own flag or field. */
export type SelectorConfigProblem = "unknown_provider" | "missing_model" | "missing_api_key" | "needs_human";

/** A selector config that cannot be built here; `field` is the config field to fix, `envVar` the key's variable. */
export class SelectorConfigError extends SelectorError {
  constructor(
    readonly problem: SelectorConfigProblem,
    message: string,
    readonly field: "provider" | "model" | "mode",
    readonly envVar: string | null = null,
  ) {
    super("configuration", message);
  }
}

/** "anthropic:claude-x" → provider and model; a bare name's provider is guessed from it (claude… is Anthropic's, the rest OpenAI-style). */
export function selectorProviderOf(model: string): { provider: string; model: string } {
  const colon = /^([a-z-]+):(.+)$/.exec(model);
  if (colon) return { provider: colon[1]!, model: colon[2]! };
  return { provider: /^claude/i.test(model) ? "anthropic" : "openai", model };
}

export interface CreateSelectorOptions {
  /** Where API keys come from (default `process.env`). Keys are passed to the SDK client, never stored. */
  env?: Record<string, string | undefined>;
  /** Needed by `human` and `hybrid`; absent when nobody is there to answer. */
  human?: HumanInterface;
  /** Seeds the automatic selector's random rule. */
  seed?: number | null;
}

/**
 * `auto` (offline: the base model's favourite), `human`, and the LLM modes `stateless`, `agentic`
 * and `hybrid` (stateless with the human answering questions and able to override). Throws a
 * {@link SelectorConfigError} naming what to fix.
 */
export function createSelector(config: SelectorConfig, options: CreateSelectorOptions = {}): Selector | AgenticSelector {
  const { human } = options;
  if (config.mode === "auto") return createAutoSelector(options.seed != null ? { seed: options.seed } : {});
  if (config.mode === "human") {
    if (!human) throw new SelectorConfigError("needs_human", "the human selector needs somebody to answer: a terminal or the web page", "mode");
    return createHumanSelector(human);
  }
  if (!config.model) throw new SelectorConfigError("missing_model", `the ${config.mode} selector needs a model name (e.g. claude-sonnet-4-5 or gpt-4.1)`, "model");
  const named = selectorProviderOf(config.model);
  const provider = config.provider ?? named.provider;
  const model = config.provider ? config.model : named.model;
  if (!(provider in SELECTOR_PROVIDERS)) {
    throw new SelectorConfigError("unknown_provider", `unknown selector provider "${provider}" (known: ${Object.keys(SELECTOR_PROVIDERS).join(", ")})`, "provider");
  }
  const envVar = SELECTOR_PROVIDERS[provider as SelectorProvider];
  const apiKey = (options.env ?? process.env)[envVar];
  if (!apiKey) throw new SelectorConfigError("missing_api_key", `the ${provider} selector needs an API key: set the ${envVar} environment variable`, "provider", envVar);
  const client = { apiKey, model, ...(config.baseUrl ? { baseURL: config.baseUrl } : {}) };
  if (config.mode === "agentic") {
    return createAgenticSelector({ model: provider === "anthropic" ? anthropicAgentModel(client) : openaiAgentModel(client) });
  }
  const stateless = createStatelessSelector({
    model: provider === "anthropic" ? anthropicDecisionModel(client) : openaiDecisionModel(client),
    showLogprobs: config.showLogprobs,
  });
  if (config.mode === "hybrid") {
    if (!human) throw new SelectorConfigError("needs_human", "hybrid selection needs somebody to answer questions and override: a terminal or the web page", "mode");
    return createHybridSelector({ llm: stateless, human });
  }
  return stateless;
}
