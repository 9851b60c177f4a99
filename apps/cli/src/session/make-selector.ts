// Builds the selector a session's config names: human (terminal), auto (offline), stateless / agentic / hybrid LLMs.
import type { SelectorConfig } from "@loom/core";
import {
  anthropicAgentModel,
  anthropicDecisionModel,
  createAgenticSelector,
  createAutoSelector,
  createHumanSelector,
  createHybridSelector,
  createStatelessSelector,
  openaiAgentModel,
  openaiDecisionModel,
  type AgenticSelector,
  type HumanInterface,
  type Selector,
} from "@loom/selectors";
import { FailureError, UsageError } from "../cli/exit-error.js";

const KEY_VARS: Record<string, string> = { anthropic: "ANTHROPIC_API_KEY", openai: "OPENAI_API_KEY" };

function apiKey(provider: string, env: NodeJS.ProcessEnv): string {
  const name = KEY_VARS[provider];
  if (!name) throw new UsageError(`--selector-model: unknown provider "${provider}" (known: anthropic, openai)`);
  const key = env[name];
  if (!key) {
    throw new FailureError(
      `the ${provider} selector needs an API key: set the ${name} environment variable`,
      "or run offline with --selector auto, or choose yourself with --selector human",
    );
  }
  return key;
}

export function makeSelector(config: SelectorConfig, options: { env: NodeJS.ProcessEnv; human?: HumanInterface; seed?: number | null }): Selector | AgenticSelector {
  const { env, human } = options;
  if (config.mode === "auto") return createAutoSelector(options.seed != null ? { seed: options.seed } : {});
  if (config.mode === "human") {
    if (!human) throw new FailureError("the human selector needs a terminal", "run in a terminal, or pass --selector auto (offline) / stateless / agentic");
    return createHumanSelector(human);
  }
  const provider = config.provider ?? "anthropic";
  const model = config.model;
  if (!model) throw new UsageError(`--selector ${config.mode} needs --selector-model`);
  const client = { apiKey: apiKey(provider, env), ...(config.baseUrl ? { baseURL: config.baseUrl } : {}), model };
  if (config.mode === "agentic") {
    return createAgenticSelector({ model: provider === "anthropic" ? anthropicAgentModel(client) : openaiAgentModel(client) });
  }
  const stateless = createStatelessSelector({
    model: provider === "anthropic" ? anthropicDecisionModel(client) : openaiDecisionModel(client),
    showLogprobs: config.showLogprobs,
  });
  if (config.mode === "hybrid") {
    if (!human) throw new FailureError("hybrid selection needs a terminal for your answers and overrides", "use --selector stateless for a headless run");
    return createHybridSelector({ llm: stateless, human });
  }
  return stateless;
}
