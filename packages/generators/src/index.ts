// @loom/generators: base-model adapters, the local GGUF engine, prompt building, faults and retries.
export { abortableSleep, throwIfAborted } from "./abort.js";
export {
  APICallError,
  GenerationAbortedError,
  GeneratorError,
  MissingApiKeyError,
  PartialStepError,
  isAbortError,
  isRetryableStatus,
} from "./errors.js";
export type { APICallErrorInit, GeneratorErrorCode } from "./errors.js";
export { DEFAULT_BRIEFED_LABELS, buildPrompt, draftTextOf, promptOf, samplingOf } from "./prompt-builder.js";
export type { BriefedPromptLabels } from "./prompt-builder.js";
export { stepMeta } from "./step-meta.js";
export type { StepMetaInput } from "./step-meta.js";
