// @loom/testkit: helpers for Loom's own tests (private; never published).
export { sseChunks, startReplayServer } from "./replay-server.js";
export type {
  RecordedRequest,
  ReplayResponder,
  ReplayResponse,
  ReplayServer,
  ReplayServerOptions,
} from "./replay-server.js";
export { startStrictReplayServer } from "./strict-replay-server.js";
export type { StrictReplayServer } from "./strict-replay-server.js";
export { isRecord, requireFields, violationsOf } from "./service-rules.js";
export type { RuleViolation, ServiceRule, ServiceRules } from "./service-rules.js";
export { ANTHROPIC_RULES } from "./rules/anthropic.js";
export {
  LLAMACPP_RULES,
  OLLAMA_RULES,
  OPENAI_COMPLETIONS_RULES,
  OPENROUTER_RULES,
  TOGETHER_RULES,
  VLLM_RULES,
} from "./rules/openai-completions.js";
export { OPENAI_CHAT_RULES } from "./rules/openai-chat.js";
export { realisticCandidate, realisticEnv, realisticLoom, writeRealisticSession } from "./realistic-session.js";
export type { RealisticNodeShape, RealisticShape } from "./realistic-session.js";
export { anthropicToolReply, lastToolResult, lastToolResultText } from "./anthropic-replies.js";
export { openaiCompletionReply } from "./openai-replies.js";
