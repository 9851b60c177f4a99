// The agentic selector over Anthropic tool use: tool_use blocks out, tool_result blocks back.
import type Anthropic from "@anthropic-ai/sdk";
import { anthropicClient, type AnthropicClientOptions } from "./anthropic-decision-model.js";
import type { AgentChatModel, AgentMessage, AgentToolResultMessage } from "./agent-chat-model.js";
import { toSelectorError } from "./provider-error.js";

export interface AnthropicAgentModelOptions extends AnthropicClientOptions {
  model: string;
  /** Per response (default 2048). */
  maxTokens?: number;
  temperature?: number;
}

export function anthropicAgentModel(options: AnthropicAgentModelOptions): AgentChatModel {
  const client = anthropicClient(options);
  return {
    provider: "anthropic",
    model: options.model,
    async call({ system, messages, tools, signal }) {
      let response: Anthropic.Message;
      try {
        response = await client.messages.create(
          {
            model: options.model,
            max_tokens: options.maxTokens ?? 2048,
            ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
            system,
            messages: messages as unknown as Anthropic.MessageParam[],
            tools: tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.inputSchema as Anthropic.Tool.InputSchema })),
            tool_choice: { type: "auto" },
          },
          { signal: signal ?? null },
        );
      } catch (error) {
        throw toSelectorError(error, "Anthropic", signal);
      }
      const toolCalls = response.content
        .filter((b): b is Anthropic.ToolUseBlock => b.type === "tool_use")
        .map((b) => ({ id: b.id, name: b.name, input: b.input }));
      const text = response.content.map((b) => (b.type === "text" ? b.text : "")).join("");
      // Only what the API accepts back as input is kept (no SDK-only fields such as citations: null).
      const content = response.content.map((b) =>
        b.type === "tool_use" ? { type: "tool_use", id: b.id, name: b.name, input: b.input } : b.type === "text" ? { type: "text", text: b.text } : b,
      );
      return {
        message: { role: "assistant", content },
        toolCalls,
        text,
        inputTokens: response.usage?.input_tokens ?? 0,
        outputTokens: response.usage?.output_tokens ?? 0,
      };
    },
    userMessage: (text) => [{ role: "user", content: text }],
    toolResultMessages(results: AgentToolResultMessage[], text?: string): AgentMessage[] {
      const blocks: Record<string, unknown>[] = results.map((r) => ({
        type: "tool_result",
        tool_use_id: r.id,
        content: r.content,
        ...(r.isError ? { is_error: true } : {}),
      }));
      if (text) blocks.push({ type: "text", text });
      return [{ role: "user", content: blocks }];
    },
    toolCallsOf(message) {
      const content = message["content"];
      if (message["role"] !== "assistant" || !Array.isArray(content)) return [];
      return content
        .filter((b): b is { type: "tool_use"; id: string; name: string } => typeof b === "object" && b !== null && b.type === "tool_use")
        .map((b) => ({ id: b.id, name: b.name }));
    },
    isAssistant: (message) => message["role"] === "assistant",
  };
}
