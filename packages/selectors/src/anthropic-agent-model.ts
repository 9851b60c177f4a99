// The agentic selector over Anthropic tool use: tool_use blocks out, tool_result blocks back.
import type Anthropic from "@anthropic-ai/sdk";
import {
  anthropicClient,
  contentAsInput,
  isEmptyReply,
  selectorThinking,
  type AnthropicClientOptions,
} from "./anthropic-request.js";
import type { AgentChatModel, AgentMessage, AgentToolResultMessage } from "./agent-chat-model.js";
import { providerCall } from "./provider-error.js";

export interface AnthropicAgentModelOptions extends AnthropicClientOptions {
  model: string;
  /** Per response (default 4,096, or 16,000 for a model that always thinks). */
  maxTokens?: number;
}

export function anthropicAgentModel(options: AnthropicAgentModelOptions): AgentChatModel {
  const client = anthropicClient(options);
  return {
    provider: "anthropic",
    model: options.model,
    async call({ system, messages, tools, signal }) {
      const response: Anthropic.Message = await providerCall(
        { provider: "Anthropic", baseURL: client.baseURL },
        signal,
        async () =>
          (await client.get()).messages.create(
            {
              model: options.model,
              ...selectorThinking(options.model, options.maxTokens),
              system,
              messages: messages as unknown as Anthropic.MessageParam[],
              tools: tools.map((t) => ({
                name: t.name,
                description: t.description,
                input_schema: t.inputSchema as Anthropic.Tool.InputSchema,
              })),
              tool_choice: { type: "auto" },
            },
            { signal: signal ?? null },
          ),
      );
      const toolCalls = response.content
        .filter((b): b is Anthropic.ToolUseBlock => b.type === "tool_use")
        .map((b) => ({ id: b.id, name: b.name, input: b.input }));
      const text = response.content.map((b) => (b.type === "text" ? b.text : "")).join("");
      return {
        // An empty assistant turn would make the next call and every resume fail with a 400: it is never stored.
        message: isEmptyReply(response.content)
          ? null
          : { role: "assistant", content: contentAsInput(response.content) },
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
        .filter(
          (b): b is { type: "tool_use"; id: string; name: string } =>
            typeof b === "object" && b !== null && b.type === "tool_use",
        )
        .map((b) => ({ id: b.id, name: b.name }));
    },
    isAssistant: (message) => message["role"] === "assistant",
    withoutReasoning(message) {
      const content = message["content"];
      if (message["role"] !== "assistant" || !Array.isArray(content)) return message;
      const kept = content.filter((b: { type?: string }) => b.type !== "thinking" && b.type !== "redacted_thinking");
      return kept.length === content.length ? message : { ...message, content: kept };
    },
  };
}
