// @loom/generators: the base-model adapters (one class each), the factory that builds one from a config, and their errors.
// Shared plumbing is in "@loom/generators/internal" (unstable).
export {
  APICallError,
  GenerationAbortedError,
  GeneratorError,
  MissingApiKeyError,
  PartialStepError,
  isAbortError,
} from "./errors.js";
export type { APICallErrorInit, GeneratorErrorCode } from "./errors.js";
export { LOCAL_LOGPROB_MEANING, LocalGenerator } from "./local/local-generator.js";
export type { LocalEngineInfo, LocalGeneratorOptions } from "./local/local-generator.js";
export type { LocalModelOptions } from "./local/local-model.js";
export { DEFAULT_TIMEOUT_MS } from "./http/http-options.js";
export type { HttpGeneratorOptions } from "./http/http-options.js";
export { OpenAICompatibleGenerator } from "./openai-compatible/openai-compatible-generator.js";
export type { OpenAICompatibleGeneratorOptions } from "./openai-compatible/openai-compatible-generator.js";
export { OPENAI_COMPATIBLE_PRESETS, isOpenAICompatiblePreset } from "./openai-compatible/openai-compatible-presets.js";
export type {
  OpenAICompatiblePreset,
  OpenAICompatiblePresetName,
} from "./openai-compatible/openai-compatible-presets.js";
export { TOGETHER_API_KEY_ENV, TOGETHER_BASE_URL, TogetherGenerator } from "./together/together-generator.js";
export type { TogetherGeneratorOptions } from "./together/together-generator.js";
export {
  ANTHROPIC_API_KEY_ENV,
  ANTHROPIC_BASE_URL,
  AnthropicCliSimGenerator,
  DEFAULT_ANTHROPIC_MODEL,
} from "./anthropic/anthropic-cli-sim-generator.js";
export type { AnthropicCliSimGeneratorOptions } from "./anthropic/anthropic-cli-sim-generator.js";
export { GENERATOR_PROVIDERS, createGenerator, knownProviders } from "./create-generator.js";
export type { CreateGeneratorConfig } from "./create-generator.js";
export { PROBE_REQUEST, anthropicFacts, probeGenerator } from "./doctor/probe-generator.js";
export { probeGeneratorConfig } from "./doctor/probe-generator-config.js";
export {
  SERVICE_TABLE_END,
  SERVICE_TABLE_START,
  renderServiceTable,
  serviceTable,
  withServiceTable,
} from "./service-table.js";
export type { ServiceRow } from "./service-table.js";
export type { RetryOptions } from "./retry.js";
export type { Env } from "./http/api-key.js";
