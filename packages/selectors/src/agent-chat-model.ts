// The provider-neutral seam of the agentic selector: a tool-using chat call over provider-native messages.
import type { AgentToolDefinition } from "./agent-tool-contract.js";

/** A message in the provider's own wire shape; JSON-serialisable so the conversation can be saved. */
export type AgentMessage = Record<string, unknown>;

export interface AgentToolCall {
  id: string;
  name: string;
  /** The parsed input; undefined when the provider sent arguments that are not JSON (see inputError). */
  input: unknown;
  inputError?: string;
}

export interface AgentChatResponse {
  /** The assistant message to append to the conversation as it is; null when the reply was empty (never stored). */
  message: AgentMessage | null;
  toolCalls: AgentToolCall[];
  text: string;
  inputTokens: number;
  outputTokens: number;
}

export interface AgentToolResultMessage {
  id: string;
  name: string;
  content: string;
  isError: boolean;
}

export interface AgentChatModel {
  readonly provider: string;
  readonly model: string;
  call(request: {
    system: string;
    messages: AgentMessage[];
    tools: AgentToolDefinition[];
    signal?: AbortSignal;
  }): Promise<AgentChatResponse>;
  /** A plain user message. */
  userMessage(text: string): AgentMessage[];
  /** Messages that answer tool calls (plus optional text for the model), in the provider's shape. */
  toolResultMessages(results: AgentToolResultMessage[], text?: string): AgentMessage[];
  /** Tool calls in an assistant message of this provider (to find calls left unanswered by a crash). */
  toolCallsOf(message: AgentMessage): { id: string; name: string }[];
  isAssistant(message: AgentMessage): boolean;
  /**
   * The message without reasoning blocks tied to the conversation prefix that produced them
   * (Anthropic thinking blocks); used on older turns once trimming has changed that prefix.
   */
  withoutReasoning?(message: AgentMessage): AgentMessage;
}
