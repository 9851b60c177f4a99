// The agent's saved conversation (kept with the session) and trimming it to a token budget.
import type { AgentChatModel, AgentMessage } from "./agent-chat-model.js";

export interface AgentConversationState {
  version: 1;
  provider: string;
  model: string;
  system: string;
  messages: AgentMessage[];
  usage: { inputTokens: number; outputTokens: number; requests: number };
  /** Exchanges dropped from the front so far. */
  trimmedExchanges: number;
  /** The brief version `system` states (absent in conversations saved before brief versions: treated as 1). */
  briefVersion?: number;
}

export function emptyConversation(model: AgentChatModel, system: string): AgentConversationState {
  return {
    version: 1,
    provider: model.provider,
    model: model.model,
    system,
    messages: [],
    usage: { inputTokens: 0, outputTokens: 0, requests: 0 },
    trimmedExchanges: 0,
  };
}

/** A rough token estimate (4 characters a token), enough to keep a conversation under a budget. */
export function estimateTokens(value: unknown): number {
  return Math.ceil(JSON.stringify(value).length / 4);
}

/**
 * Drop the oldest whole exchanges (an assistant message and the tool results that answer it) until
 * the conversation fits `budgetTokens`. The opening message stays, and so does the latest exchange,
 * so tool calls and their results are never separated. Returns how many exchanges were dropped.
 */
export function trimConversation(state: AgentConversationState, model: AgentChatModel, budgetTokens: number): number {
  const messages = state.messages;
  let total = estimateTokens(state.system) + messages.reduce((sum, m) => sum + estimateTokens(m), 0);
  let dropped = 0;
  while (total > budgetTokens) {
    // Exchange boundaries: indices of assistant messages after the opening one.
    const starts: number[] = [];
    for (let i = 1; i < messages.length; i++) if (model.isAssistant(messages[i]!)) starts.push(i);
    if (starts.length < 2 || starts[0] !== 1) break;
    const end = starts[1]!;
    const removed = messages.splice(1, end - 1);
    total -= removed.reduce((sum, m) => sum + estimateTokens(m), 0);
    dropped++;
  }
  if (dropped > 0 && model.withoutReasoning) {
    // Earlier turns' thinking blocks are bound to the prefix that was just cut; the latest assistant turn keeps its own (the API requires it beside its tool calls).
    let last = -1;
    for (let i = messages.length - 1; i >= 0; i--)
      if (model.isAssistant(messages[i]!)) {
        last = i;
        break;
      }
    for (let i = 0; i < last; i++)
      if (model.isAssistant(messages[i]!)) messages[i] = model.withoutReasoning(messages[i]!);
  }
  state.trimmedExchanges += dropped;
  return dropped;
}
