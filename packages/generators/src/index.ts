// @loom/generators: base-model adapters, the local GGUF engine, prompt building, faults and retries.
export { abortableSleep, throwIfAborted } from "./abort.js";
export {
  APICallError,
  GenerationAbortedError,
  GeneratorError,
  MissingApiKeyError,
  PartialStepError,
  isAbortError,
} from "./errors.js";
export type { APICallErrorInit, GeneratorErrorCode } from "./errors.js";
export { DEFAULT_BRIEFED_LABELS, buildPrompt, draftTextOf, promptOf, samplingOf } from "./prompt-builder.js";
export type { BriefedPromptLabels } from "./prompt-builder.js";
export { stepMeta } from "./step-meta.js";
export type { StepMetaInput } from "./step-meta.js";
export { createEventChannel, streamFrom } from "./event-channel.js";
export type { EventChannel } from "./event-channel.js";
export { LOCAL_LOGPROB_MEANING, LocalGenerator, createLocalGenerator } from "./local/local-generator.js";
export type { LocalEngineInfo, LocalGeneratorOptions } from "./local/local-generator.js";
export { defaultThreads } from "./local/local-model.js";
export type { LocalModelOptions } from "./local/local-model.js";
export { windowStart } from "./local/prompt-window.js";
export { sampleToken } from "./local/token-sampler.js";
export type { Distribution } from "./local/token-sampler.js";
export { backoffMs, retryAfterMs, withRetry } from "./retry.js";
export type { RetryOptions } from "./retry.js";
export { resolveApiKey } from "./http/api-key.js";
export type { Env } from "./http/api-key.js";
export { finishReasonOf, tokensFromLogprobs } from "./http/completion-logprobs.js";
export type { CompletionLogprobs } from "./http/completion-logprobs.js";
export { fanOut } from "./http/fan-out.js";
export { DEFAULT_TIMEOUT_MS } from "./http/http-options.js";
export type { HttpGeneratorOptions } from "./http/http-options.js";
export { fromSdkError } from "./http/sdk-error.js";
export type { SdkErrorContext } from "./http/sdk-error.js";
export { OpenAICompatibleGenerator, createOpenAICompatibleGenerator } from "./openai-compatible/openai-compatible-generator.js";
export type { OpenAICompatibleGeneratorOptions } from "./openai-compatible/openai-compatible-generator.js";
export { OPENAI_COMPATIBLE_PRESETS, isOpenAICompatiblePreset } from "./openai-compatible/openai-compatible-presets.js";
export type { OpenAICompatiblePreset, OpenAICompatiblePresetName } from "./openai-compatible/openai-compatible-presets.js";
export { TOGETHER_API_KEY_ENV, TOGETHER_BASE_URL, TogetherGenerator, createTogetherGenerator } from "./together/together-generator.js";
export type { TogetherGeneratorOptions } from "./together/together-generator.js";
export {
  ANTHROPIC_API_KEY_ENV,
  ANTHROPIC_BASE_URL,
  AnthropicCliSimGenerator,
  DEFAULT_ANTHROPIC_MODEL,
  createAnthropicCliSimGenerator,
} from "./anthropic/anthropic-cli-sim-generator.js";
export type { AnthropicCliSimGeneratorOptions } from "./anthropic/anthropic-cli-sim-generator.js";
export { CLI_SIM_SYSTEM_PROMPT, buildCliSimPrompt, createPrefillJoiner } from "./anthropic/cli-sim-prompt.js";
export type { CliSimMessage, CliSimMode, CliSimPrompt } from "./anthropic/cli-sim-prompt.js";
export { GENERATOR_PROVIDERS, createGenerator, knownProviders } from "./create-generator.js";
export type { CreateGeneratorConfig } from "./create-generator.js";
export { PROBE_REQUEST, anthropicFacts, probeGenerator } from "./doctor/probe-generator.js";
export { probeGeneratorConfig } from "./doctor/probe-generator-config.js";
export { SERVICE_TABLE_END, SERVICE_TABLE_START, renderServiceTable, serviceTable, withServiceTable } from "./service-table.js";
export type { ServiceRow } from "./service-table.js";
