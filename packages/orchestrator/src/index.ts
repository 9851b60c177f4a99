// @loom/orchestrator: the session loop, the agent's tools, stop conditions, events, usage and resume.
export { Orchestrator } from "./orchestrator.js";
export type {
  ChooseOptions,
  GenerateOptions,
  GeneratedStep,
  LookAheadEstimate,
  LookAheadGeneratorEstimate,
  LookAheadResult,
  LookAheadShape,
  OrchestratorOptions,
  RunOptions,
  RunResult,
} from "./orchestrator.js";
export type { OrchestratorEvent, OrchestratorListener, StopReason } from "./events.js";
export { OrchestratorError } from "./orchestrator-error.js";
export type { OrchestratorErrorCode } from "./orchestrator-error.js";
export { MAX_LOOK_AHEAD_NODES } from "./look-ahead.js";
export { memorySession } from "./session-like.js";
export type { SessionLike } from "./session-like.js";
export type { ModelTotals, PriceTable, SessionUsage } from "./usage.js";
export { expandPrompt } from "./prompt-ref.js";
export type { PromptTextRef } from "./prompt-ref.js";
