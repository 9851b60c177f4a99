// Stateless decisions through Anthropic's Messages API: one offered tool whose input is the decision, validated and repaired.
import type Anthropic from "@anthropic-ai/sdk";
import {
  anthropicClient,
  contentAsInput,
  isEmptyReply,
  selectorThinking,
  type AnthropicClientOptions,
} from "./anthropic-request.js";
import { decisionEnvelopeJsonSchema, parseJsonText } from "./decision.js";
import {
  repairInstruction,
  type DecisionCallOptions,
  type DecisionModel,
  type DecisionReply,
} from "./decision-model.js";
import { providerCall } from "./provider-error.js";
import type { ChatPrompt } from "./stateless-prompt.js";

export interface AnthropicDecisionModelOptions extends AnthropicClientOptions {
  model: string;
  /** Default 4,096, or 16,000 for a model that always thinks. */
  maxTokens?: number;
}

const TOOL = "record_decision";

export function anthropicDecisionModel(options: AnthropicDecisionModelOptions): DecisionModel {
  const client = anthropicClient(options);
  const schema = decisionEnvelopeJsonSchema();
  return {
    provider: "anthropic",
    model: options.model,
    async decide(prompt: ChatPrompt, call: DecisionCallOptions = {}): Promise<DecisionReply> {
      const messages: Anthropic.MessageParam[] = [{ role: "user", content: prompt.user }];
      if (call.repair) {
        const previous = call.repair.reply.transcript as Anthropic.ContentBlock[];
        const toolUse = previous.find((b): b is Anthropic.ToolUseBlock => b.type === "tool_use");
        // An empty assistant turn is refused by the API; the repair request then follows the prompt directly.
        if (!isEmptyReply(previous))
          messages.push({
            role: "assistant",
            content: contentAsInput(previous) as unknown as Anthropic.ContentBlockParam[],
          });
        messages.push(
          toolUse
            ? {
                role: "user",
                content: [
                  {
                    type: "tool_result",
                    tool_use_id: toolUse.id,
                    is_error: true,
                    content: repairInstruction(call.repair.error),
                  },
                ],
              }
            : { role: "user", content: repairInstruction(call.repair.error) },
        );
      }
      const response: Anthropic.Message = await providerCall(
        { provider: "Anthropic", baseURL: client.baseURL },
        call.signal,
        async () =>
          (await client.get()).messages.create(
            {
              model: options.model,
              ...selectorThinking(options.model, options.maxTokens),
              system: prompt.system,
              messages,
              tools: [
                {
                  name: TOOL,
                  description: "Record your decision for this branch point: choose, clarify or stop.",
                  input_schema: schema as Anthropic.Tool.InputSchema,
                },
              ],
              // Forced tool choice is refused by the newest models and by any model while it thinks;
              // the reply is validated instead, and a missing or invalid call is sent back for repair.
              tool_choice: { type: "auto", disable_parallel_tool_use: true },
            },
            { signal: call.signal ?? null },
          ),
      );
      const usage = {
        inputTokens: response.usage?.input_tokens ?? 0,
        outputTokens: response.usage?.output_tokens ?? 0,
      };
      const toolUse = response.content.find(
        (b): b is Anthropic.ToolUseBlock => b.type === "tool_use" && b.name === TOOL,
      );
      if (toolUse) {
        return { value: toolUse.input, raw: JSON.stringify(toolUse.input), ...usage, transcript: response.content };
      }
      const text = response.content.map((b) => (b.type === "text" ? b.text : "")).join("");
      if (text.trim() === "") {
        const why =
          response.stop_reason === "max_tokens"
            ? "the output budget ran out before it answered (thinking counts against max_tokens)"
            : "the reply was empty";
        return {
          value: undefined,
          parseError: `no decision: ${why}; call ${TOOL} with your decision`,
          raw: "",
          ...usage,
          transcript: response.content,
        };
      }
      const parsed = parseJsonText(text);
      return parsed.ok
        ? { value: parsed.value, raw: text, ...usage, transcript: response.content }
        : { value: undefined, parseError: parsed.error, raw: text, ...usage, transcript: response.content };
    },
  };
}
