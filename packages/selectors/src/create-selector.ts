// Builds the selector a session's `SelectorConfig` names, so every app turns a config into a selector the same way.
import type { SelectorConfig } from "@loom/core";
import { DEFAULT_MODELS, errorKind, routeApiKey } from "@loom/core/internal";
import { ANTHROPIC_HOME_URL } from "./anthropic-request.js";
import { anthropicAgentModel } from "./anthropic-agent-model.js";
import { anthropicDecisionModel } from "./anthropic-decision-model.js";
import { createAgenticSelector, type AgenticSelector } from "./agentic-selector.js";
import { createAutoSelector } from "./auto-selector.js";
import type { HumanInterface } from "./human-interface.js";
import { createHumanSelector } from "./human-selector.js";
import { createHybridSelector } from "./hybrid-selector.js";
import { openaiAgentModel } from "./openai-agent-model.js";
import { OPENAI_HOME_URL, openaiDecisionModel } from "./openai-decision-model.js";
import { SelectorError } from "./selector-error.js";
import type { Selector } from "./selector.js";
import { createStatelessSelector } from "./stateless-selector.js";

/** The LLM providers a config may name, and the environment variable each one's API key comes from. */
export const SELECTOR_PROVIDERS = { anthropic: "ANTHROPIC_API_KEY", openai: "OPENAI_API_KEY" } as const;
const HOME_URLS: Record<SelectorProvider, string> = { anthropic: ANTHROPIC_HOME_URL, openai: OPENAI_HOME_URL };
export type SelectorProvider = keyof typeof SELECTOR_PROVIDERS;

/** What is wrong with a config, so that an app can point at its own flag or field. */
export type SelectorConfigProblem = "unknown_provider" | "missing_model" | "missing_api_key" | "needs_human";

/** A selector config that cannot be built here; `field` is the config field to fix, `envVar` the key's variable. */
export class SelectorConfigError extends SelectorError {
  static override readonly isInstance = errorKind<SelectorConfigError>("SelectorConfigError");
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

/** The provider, model, base URL and key of an LLM selector config; throws a {@link SelectorConfigError} naming what to fix. */
export function clientConfig(
  config: SelectorConfig,
  env: Record<string, string | undefined>,
): { provider: SelectorProvider; client: { apiKey: string; model: string; baseURL: string } } {
  if (!config.model) {
    throw new SelectorConfigError(
      "missing_model",
      `the ${config.mode} selector needs a model name (e.g. ${DEFAULT_MODELS.anthropicSelector} or ${DEFAULT_MODELS.openaiSelector})`,
      "model",
    );
  }
  const named = selectorProviderOf(config.model);
  const provider = config.provider ?? named.provider;
  const model = config.provider ? config.model : named.model;
  if (!(provider in SELECTOR_PROVIDERS)) {
    throw new SelectorConfigError(
      "unknown_provider",
      `unknown selector provider "${provider}" (known: ${Object.keys(SELECTOR_PROVIDERS).join(", ")})`,
      "provider",
    );
  }
  const known = provider as SelectorProvider;
  const baseURL = config.baseUrl ?? HOME_URLS[known];
  // The provider's key goes only to the provider; another base URL reads LOOM_CUSTOM_API_KEY.
  const { key: apiKey, envVar } = routeApiKey({
    envVar: SELECTOR_PROVIDERS[known],
    homeURL: HOME_URLS[known],
    baseURL,
    env: env,
  });
  if (!apiKey) {
    throw new SelectorConfigError(
      "missing_api_key",
      `the ${provider} selector needs an API key for ${baseURL}: set the ${envVar} environment variable`,
      "provider",
      envVar,
    );
  }
  const client = { apiKey, model, baseURL };
  return { provider: known, client };
}

/** The stateless decision model a config names (the doctor probes it with one tiny decision). */
export function decisionModelFor(config: SelectorConfig, env: Record<string, string | undefined>) {
  const { provider, client } = clientConfig(config, env);
  return provider === "anthropic" ? anthropicDecisionModel(client) : openaiDecisionModel(client);
}

/**
 * `auto` (offline: the base model's favourite), `human`, and the LLM modes `stateless`, `agentic`
 * and `hybrid` (stateless with the human answering questions and able to override). Throws a
 * {@link SelectorConfigError} naming what to fix.
 */
export function createSelector(
  config: SelectorConfig,
  options: CreateSelectorOptions = {},
): Selector | AgenticSelector {
  const { human } = options;
  if (config.mode === "auto") return createAutoSelector(options.seed != null ? { seed: options.seed } : {});
  if (config.mode === "human") {
    if (!human)
      throw new SelectorConfigError(
        "needs_human",
        "the human selector needs somebody to answer: a terminal or the web page",
        "mode",
      );
    return createHumanSelector(human);
  }
  const { provider, client } = clientConfig(config, options.env ?? process.env);
  if (config.mode === "agentic") {
    return createAgenticSelector({
      model: provider === "anthropic" ? anthropicAgentModel(client) : openaiAgentModel(client),
    });
  }
  const stateless = createStatelessSelector({
    model: provider === "anthropic" ? anthropicDecisionModel(client) : openaiDecisionModel(client),
    showLogprobs: config.showLogprobs,
  });
  if (config.mode === "hybrid") {
    if (!human)
      throw new SelectorConfigError(
        "needs_human",
        "hybrid selection needs somebody to answer questions and override: a terminal or the web page",
        "mode",
      );
    return createHybridSelector({ llm: stateless, human });
  }
  return stateless;
}
