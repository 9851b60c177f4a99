// @loom/generators/internal: the plumbing the adapters share (prompt building, retries, SDK error mapping, sampling). Unstable: it may change in any release.
export { abortableSleep, throwIfAborted } from "./abort.js";
export { DEFAULT_BRIEFED_LABELS, buildPrompt, draftTextOf, promptOf, samplingOf } from "./prompt-builder.js";
export type { BriefedPromptLabels } from "./prompt-builder.js";
export { stepMeta } from "./step-meta.js";
export type { StepMetaInput } from "./step-meta.js";
export { createEventChannel, streamFrom } from "./event-channel.js";
export type { EventChannel } from "./event-channel.js";
export { defaultThreads } from "./local/local-model.js";
export { windowStart } from "./local/prompt-window.js";
export { sampleToken } from "./local/token-sampler.js";
export type { Distribution } from "./local/token-sampler.js";
export { backoffMs, retryAfterMs, withRetry } from "./retry.js";
export { resolveApiKey } from "./http/api-key.js";
export { finishReasonOf, tokensFromLogprobs } from "./http/completion-logprobs.js";
export type { CompletionLogprobs } from "./http/completion-logprobs.js";
export { fanOut } from "./http/fan-out.js";
export { fromSdkError } from "./http/sdk-error.js";
export type { SdkErrorContext } from "./http/sdk-error.js";
export { CLI_SIM_SYSTEM_PROMPT, buildCliSimPrompt, createPrefillJoiner } from "./anthropic/cli-sim-prompt.js";
export type { CliSimMessage, CliSimMode, CliSimPrompt } from "./anthropic/cli-sim-prompt.js";
export { LOCAL_LOGPROB_MEANING } from "./local/local-generator.js";
export { DEFAULT_TIMEOUT_MS } from "./http/http-options.js";
export { isOpenAICompatiblePreset } from "./openai-compatible/openai-compatible-presets.js";
export { TOGETHER_API_KEY_ENV, TOGETHER_BASE_URL } from "./together/together-generator.js";
export {
  ANTHROPIC_API_KEY_ENV,
  ANTHROPIC_BASE_URL,
  DEFAULT_ANTHROPIC_MODEL,
} from "./anthropic/anthropic-cli-sim-generator.js";
export { GENERATOR_PROVIDERS } from "./create-generator.js";
export { PROBE_REQUEST, anthropicFacts } from "./doctor/probe-generator.js";
export {
  SERVICE_TABLE_END,
  SERVICE_TABLE_START,
  renderServiceTable,
  serviceTable,
  withServiceTable,
} from "./service-table.js";
export type { ServiceRow } from "./service-table.js";
export type { Env } from "./http/api-key.js";
