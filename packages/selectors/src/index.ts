// @loom/selectors: the human, stateless-LLM, agentic-LLM, hybrid and automatic selectors (the decision format they
// share is in @loom/core). The prompts, tool contract and plumbing behind them are in "@loom/selectors/internal" (unstable).
export { decisionEnvelopeJsonSchema } from "./decision.js";
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
export type { ModelUsage } from "./model-usage.js";
export type { ChatPrompt } from "./stateless-prompt.js";
export type { DecisionCallOptions, DecisionModel, DecisionReply } from "./decision-model.js";
export { anthropicDecisionModel } from "./anthropic-decision-model.js";
export type { AnthropicDecisionModelOptions } from "./anthropic-decision-model.js";
export { openaiDecisionModel } from "./openai-decision-model.js";
export type { OpenAIDecisionModelOptions } from "./openai-decision-model.js";
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
export type {
  AgentToolResult,
  AgentTools,
  CommitChoiceInput,
  GenerateCandidatesInput,
  HoldPathInput,
  LoomQueryType,
  QueryLoomInput,
  RequestHumanInputInput,
  StopGenerationInput,
  SwitchPathInput,
  UpdateBriefInput,
  UpdateSummaryInput,
} from "./agent-tool-contract.js";
export type {
  AgentChatModel,
  AgentChatResponse,
  AgentMessage,
  AgentToolCall,
  AgentToolResultMessage,
} from "./agent-chat-model.js";
export type { AgentConversationState } from "./agent-conversation.js";
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
export { probeSelectorConfig } from "./probe-selector.js";
