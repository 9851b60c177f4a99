// @loom/selectors: the human, stateless-LLM, agentic-LLM, hybrid and automatic selectors (the decision format they share is in @loom/core).
export { checkDecision, decisionEnvelopeJsonSchema, parseJsonText } from "./decision.js";
export type { DecisionCheck, DecisionRules } from "./decision.js";
export { isSelectorCommand } from "./selector.js";
export type {
  ClarificationExchange,
  SelectionCandidate,
  SelectionContext,
  SelectionOutcome,
  Selector,
  SelectorCommand,
} from "./selector.js";
export { SelectorError } from "./selector-error.js";
export type { SelectorErrorCode } from "./selector-error.js";
export { addUsage } from "./model-usage.js";
export type { ModelUsage } from "./model-usage.js";
export { lastSentences, recentParagraph } from "./recent-context.js";
export { READING_GUIDE, briefText } from "./brief-text.js";
export { buildStatelessPrompt } from "./stateless-prompt.js";
export type { ChatPrompt, StatelessPromptInput } from "./stateless-prompt.js";
export { repairInstruction } from "./decision-model.js";
export type { DecisionCallOptions, DecisionModel, DecisionReply } from "./decision-model.js";
export { anthropicDecisionModel } from "./anthropic-decision-model.js";
export type { AnthropicDecisionModelOptions } from "./anthropic-decision-model.js";
export { anthropicClient } from "./anthropic-request.js";
export type { AnthropicClientOptions } from "./anthropic-request.js";
export { openaiClient, openaiDecisionModel } from "./openai-decision-model.js";
export type { OpenAIClientOptions, OpenAIDecisionModelOptions } from "./openai-decision-model.js";
export { toSelectorError } from "./provider-error.js";
export { createStatelessSelector } from "./stateless-selector.js";
export type { StatelessSelectorOptions } from "./stateless-selector.js";
export type {
  BriefChangeAnswer,
  BriefChangeRequest,
  ClarificationAnswer,
  ClarificationRequest,
  HumanChoiceRequest,
  HumanInterface,
} from "./human-interface.js";
export { createHumanSelector } from "./human-selector.js";
export { createHybridSelector } from "./hybrid-selector.js";
export type { HybridSelectorOptions } from "./hybrid-selector.js";
export { createAutoSelector } from "./auto-selector.js";
export type { AutoSelectorOptions } from "./auto-selector.js";
export { chooseFirst, createScriptedSelector } from "./scripted-selector.js";
export type { ScriptStep, ScriptedSelectorOptions } from "./scripted-selector.js";
export {
  AGENT_TOOL_SCHEMAS,
  CommitChoiceInputSchema,
  GenerateCandidatesInputSchema,
  LoomQueryTypeSchema,
  QueryLoomInputSchema,
  RequestHumanInputInputSchema,
  StopGenerationInputSchema,
  UpdateBriefInputSchema,
  agentToolDefinitions,
  runAgentTool,
} from "./agent-tool-contract.js";
export type {
  AgentToolDefinition,
  AgentToolName,
  AgentToolResult,
  AgentTools,
  CommitChoiceInput,
  GenerateCandidatesInput,
  LoomQueryType,
  QueryLoomInput,
  RequestHumanInputInput,
  StopGenerationInput,
  UpdateBriefInput,
} from "./agent-tool-contract.js";
export type {
  AgentChatModel,
  AgentChatResponse,
  AgentMessage,
  AgentToolCall,
  AgentToolResultMessage,
} from "./agent-chat-model.js";
export { emptyConversation, estimateTokens, trimConversation } from "./agent-conversation.js";
export type { AgentConversationState } from "./agent-conversation.js";
export { buildAgentOpening, buildAgentSystemPrompt } from "./agent-prompt.js";
export { anthropicAgentModel } from "./anthropic-agent-model.js";
export type { AnthropicAgentModelOptions } from "./anthropic-agent-model.js";
export { openaiAgentModel } from "./openai-agent-model.js";
export type { OpenAIAgentModelOptions } from "./openai-agent-model.js";
export { createAgenticSelector } from "./agentic-selector.js";
export { SELECTOR_PROVIDERS, SelectorConfigError, createSelector, selectorProviderOf } from "./create-selector.js";
export type { CreateSelectorOptions, SelectorConfigProblem, SelectorProvider } from "./create-selector.js";
export type {
  AgentStepContext,
  AgentStepOutcome,
  AgenticSelector,
  AgenticSelectorOptions,
} from "./agentic-selector.js";
export { clientConfig, decisionModelFor } from "./create-selector.js";
export { probeSelectorConfig } from "./probe-selector.js";
