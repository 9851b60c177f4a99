// @loom/selectors/internal: the prompts, the agent's tool contract, SDK clients and decision checking behind the
// selectors, for Loom's own packages. Unstable: it may change in any release.
export { checkDecision, parseJsonText } from "./decision.js";
export type { DecisionCheck, DecisionRules } from "./decision.js";
export { isSelectorCommand } from "./selector.js";
export { addUsage } from "./model-usage.js";
export { lastSentences, recentParagraph } from "./recent-context.js";
export { READING_GUIDE, briefText } from "./brief-text.js";
export { buildStatelessPrompt } from "./stateless-prompt.js";
export type { StatelessPromptInput } from "./stateless-prompt.js";
export { repairInstruction } from "./decision-model.js";
export { anthropicClient } from "./anthropic-request.js";
export type { AnthropicClientOptions } from "./anthropic-request.js";
export { openaiClient } from "./openai-decision-model.js";
export type { OpenAIClientOptions } from "./openai-decision-model.js";
export { toSelectorError } from "./provider-error.js";
export {
  AGENT_TOOL_SCHEMAS,
  CommitChoiceInputSchema,
  GenerateCandidatesInputSchema,
  HoldPathInputSchema,
  LoomQueryTypeSchema,
  QueryLoomInputSchema,
  RequestHumanInputInputSchema,
  StopGenerationInputSchema,
  SwitchPathInputSchema,
  UpdateBriefInputSchema,
  UpdateSummaryInputSchema,
  agentToolDefinitions,
  runAgentTool,
} from "./agent-tool-contract.js";
export type { AgentToolDefinition, AgentToolName } from "./agent-tool-contract.js";
export { emptyConversation, estimateTokens, trimConversation } from "./agent-conversation.js";
export { buildAgentOpening, buildAgentSystemPrompt, buildAgentView } from "./agent-prompt.js";
export { pieceViewText } from "./piece-view-text.js";
export { clientConfig, decisionModelFor } from "./create-selector.js";
