// The factory apps use: a session's generator config (provider name + settings) to a ready Generator.
import type { Generator, GeneratorConfig } from "@loom/core";
import { DEFAULT_MODELS } from "@loom/core/internal";
import { AnthropicCliSimGenerator } from "./anthropic/anthropic-cli-sim-generator.js";
import { GeneratorError } from "./errors.js";
import type { Env } from "./http/api-key.js";
import type { HttpGeneratorOptions } from "./http/http-options.js";
import { LocalGenerator, type LocalGeneratorOptions } from "./local/local-generator.js";
import { OpenAICompatibleGenerator } from "./openai-compatible/openai-compatible-generator.js";
import {
  OPENAI_COMPATIBLE_PRESETS,
  customPreset,
  isOpenAICompatiblePreset,
} from "./openai-compatible/openai-compatible-presets.js";
import { ScriptedGenerator } from "./scripted/scripted-generator.js";
import { TogetherGenerator } from "./together/together-generator.js";

export type CreateGeneratorConfig = Partial<GeneratorConfig> &
  Pick<HttpGeneratorOptions, "apiKey" | "headers" | "timeout" | "retry" | "maxConcurrency" | "fetch"> &
  Pick<LocalGeneratorOptions, "contextSize" | "threads" | "parallel"> & {
    provider?: string;
    /** The local engine's GGUF file (default: `model`, then the LOOM_MODEL environment variable). */
    modelPath?: string;
  };

/** Provider names `createGenerator` knows, besides the OpenAI-compatible preset names. */
export const GENERATOR_PROVIDERS = [
  "local",
  "openai-compatible",
  "together",
  "anthropic-cli-sim",
  "anthropic-prefill",
  "scripted",
] as const;

export const knownProviders = (): string[] => [
  ...new Set([...GENERATOR_PROVIDERS, ...Object.keys(OPENAI_COMPATIBLE_PRESETS)]),
];

/** Default models where a provider has an obvious base model; other providers need `model`. */
const PROVIDER_DEFAULT_MODELS: Record<string, string> = { openai: DEFAULT_MODELS.openaiCompletion };

/**
 * Build the generator `config.provider` names: `local` (default), `openai` and the other
 * OpenAI-compatible presets (`vllm`, `llamacpp`, `ollama`, `openrouter`, `hyperbolic`,
 * `fireworks`), `openai-compatible` (any server; needs `baseUrl`), `together`,
 * `anthropic-cli-sim`, `anthropic-prefill`, `scripted`. API keys come from `config.apiKey` or
 * the provider's environment variable in `env`, which is read only when requests go to that
 * provider's own base URL (a custom base URL reads LOOM_CUSTOM_API_KEY); errors name the
 * variable or field to set.
 * The second argument may also be `{ env }`.
 */
export function createGenerator(
  config: CreateGeneratorConfig,
  envOrOptions: Env | { env: Env } = process.env,
): Generator {
  const env: Env =
    typeof (envOrOptions as { env?: unknown }).env === "object"
      ? (envOrOptions as { env: Env }).env
      : (envOrOptions as Env);
  const provider = config.provider ?? "local";
  const http = {
    env,
    ...(config.baseUrl ? { baseURL: config.baseUrl } : {}),
    ...(config.apiKey !== undefined ? { apiKey: config.apiKey } : {}),
    ...(config.headers ? { headers: config.headers } : {}),
    ...(config.timeout !== undefined ? { timeout: config.timeout } : {}),
    ...(config.retry ? { retry: config.retry } : {}),
    ...(config.maxConcurrency !== undefined ? { maxConcurrency: config.maxConcurrency } : {}),
    ...(config.fetch ? { fetch: config.fetch } : {}),
  };
  const model = (): string => {
    const m = config.model || PROVIDER_DEFAULT_MODELS[provider];
    if (!m)
      throw new GeneratorError(
        "invalid_request",
        `generator provider "${provider}" needs a model name: set generator.model`,
      );
    return m;
  };

  if (provider === "local") {
    const modelPath = config.modelPath || config.model || env["LOOM_MODEL"];
    if (!modelPath) {
      throw new GeneratorError(
        "invalid_request",
        "the local engine needs a GGUF model file: set generator.model (or modelPath) or the LOOM_MODEL environment variable",
      );
    }
    return new LocalGenerator({
      modelPath,
      ...(config.contextSize !== undefined ? { contextSize: config.contextSize } : {}),
      ...(config.threads !== undefined ? { threads: config.threads } : {}),
      parallel: config.parallel ?? Math.min(config.branchingFactor ?? 8, 16),
      gpu: localGpu(env),
    });
  }
  if (isOpenAICompatiblePreset(provider))
    return new OpenAICompatibleGenerator({ ...http, model: model(), preset: provider });
  if (provider === "openai-compatible") {
    if (!config.baseUrl)
      throw new GeneratorError(
        "invalid_request",
        'generator provider "openai-compatible" needs generator.baseUrl (or use a preset name)',
      );
    return new OpenAICompatibleGenerator({
      ...http,
      model: model(),
      // A key reaches a custom server only from apiKey or LOOM_CUSTOM_API_KEY, never from OPENAI_API_KEY.
      preset: customPreset(config.baseUrl),
    });
  }
  if (provider === "together") return new TogetherGenerator({ ...http, model: model() });
  if (provider === "anthropic-cli-sim" || provider === "anthropic-prefill") {
    return new AnthropicCliSimGenerator({
      ...http,
      ...(config.model ? { model: config.model } : {}),
      mode: provider === "anthropic-prefill" ? "prefill" : "cli-sim",
    });
  }
  if (provider === "scripted") return new ScriptedGenerator(config.seed != null ? { seed: config.seed } : {});
  throw new GeneratorError(
    "unknown_provider",
    `unknown generator provider "${provider}"; known providers: ${knownProviders().join(", ")}`,
  );
}

/** LOOM_GPU: "auto" lets the local engine use a GPU backend node-llama-cpp finds (the CPU when none); unset or "off", the CPU. */
function localGpu(env: Env): "auto" | false {
  const value = env["LOOM_GPU"]?.trim().toLowerCase();
  if (!value || value === "off") return false;
  if (value === "auto") return "auto";
  throw new GeneratorError("invalid_request", `LOOM_GPU must be "auto" or "off", got "${env["LOOM_GPU"]}"`);
}
