// The agentic selector over OpenAI-style tool calls: function calls out, `tool` messages back.
import type OpenAI from "openai";
import type { AgentChatModel, AgentMessage, AgentToolCall, AgentToolResultMessage } from "./agent-chat-model.js";
import { openaiClient, type OpenAIClientOptions } from "./openai-decision-model.js";
import { providerCall } from "./provider-error.js";

export interface OpenAIAgentModelOptions extends OpenAIClientOptions {
  model: string;
  maxTokens?: number;
}

export function openaiAgentModel(options: OpenAIAgentModelOptions): AgentChatModel {
  const client = openaiClient(options);
  return {
    provider: "openai",
    model: options.model,
    async call({ system, messages, tools, signal }) {
      const completion: OpenAI.ChatCompletion = await providerCall(
        { provider: "OpenAI", baseURL: client.baseURL },
        signal,
        async () =>
          (await client.get()).chat.completions.create(
            {
              model: options.model,
              messages: [
                { role: "system", content: system },
                ...(messages as unknown as OpenAI.ChatCompletionMessageParam[]),
              ],
              tools: tools.map((t) => ({
                type: "function",
                function: { name: t.name, description: t.description, parameters: t.inputSchema },
              })),
              tool_choice: "auto",
              // max_completion_tokens: reasoning models refuse max_tokens; no temperature (they refuse non-default values).
              ...(options.maxTokens !== undefined ? { max_completion_tokens: options.maxTokens } : {}),
            },
            { signal: signal ?? null },
          ),
      );
      const message = completion.choices[0]?.message;
      const toolCalls: AgentToolCall[] = [];
      for (const call of message?.tool_calls ?? []) {
        if (call.type !== "function") continue;
        try {
          toolCalls.push({
            id: call.id,
            name: call.function.name,
            input: call.function.arguments ? JSON.parse(call.function.arguments) : {},
          });
        } catch (error) {
          toolCalls.push({
            id: call.id,
            name: call.function.name,
            input: undefined,
            inputError: `arguments are not valid JSON (${(error as Error).message})`,
          });
        }
      }
      const stored: AgentMessage = { role: "assistant", content: message?.content ?? null };
      if (message?.tool_calls?.length) stored["tool_calls"] = message.tool_calls;
      const empty = !message?.content?.trim() && !message?.tool_calls?.length;
      return {
        message: empty ? null : stored,
        toolCalls,
        text: message?.content ?? "",
        inputTokens: completion.usage?.prompt_tokens ?? 0,
        outputTokens: completion.usage?.completion_tokens ?? 0,
      };
    },
    userMessage: (text) => [{ role: "user", content: text }],
    toolResultMessages(results: AgentToolResultMessage[], text?: string): AgentMessage[] {
      const out: AgentMessage[] = results.map((r) => ({
        role: "tool",
        tool_call_id: r.id,
        content: r.isError ? `ERROR: ${r.content}` : r.content,
      }));
      if (text) out.push({ role: "user", content: text });
      return out;
    },
    toolCallsOf(message) {
      const calls = message["tool_calls"];
      if (message["role"] !== "assistant" || !Array.isArray(calls)) return [];
      return calls.map((c: { id: string; function?: { name?: string } }) => ({
        id: c.id,
        name: c.function?.name ?? "",
      }));
    },
    isAssistant: (message) => message["role"] === "assistant",
  };
}
