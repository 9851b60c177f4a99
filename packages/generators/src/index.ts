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
export { LocalGenerator } from "./local/local-generator.js";
export type { LocalEngineInfo, LocalGeneratorOptions } from "./local/local-generator.js";
export type { LocalModelOptions } from "./local/local-model.js";
export type { HttpGeneratorOptions } from "./http/http-options.js";
export { OpenAICompatibleGenerator } from "./openai-compatible/openai-compatible-generator.js";
export type { OpenAICompatibleGeneratorOptions } from "./openai-compatible/openai-compatible-generator.js";
export { OPENAI_COMPATIBLE_PRESETS } from "./openai-compatible/openai-compatible-presets.js";
export type {
  OpenAICompatiblePreset,
  OpenAICompatiblePresetName,
} from "./openai-compatible/openai-compatible-presets.js";
export { TogetherGenerator } from "./together/together-generator.js";
export type { TogetherGeneratorOptions } from "./together/together-generator.js";
export { AnthropicCliSimGenerator } from "./anthropic/anthropic-cli-sim-generator.js";
export type { AnthropicCliSimGeneratorOptions } from "./anthropic/anthropic-cli-sim-generator.js";
export { createGenerator, knownProviders } from "./create-generator.js";
export type { CreateGeneratorConfig } from "./create-generator.js";
export { probeGenerator } from "./doctor/probe-generator.js";
export { probeGeneratorConfig } from "./doctor/probe-generator-config.js";
export type { RetryOptions } from "./retry.js";
