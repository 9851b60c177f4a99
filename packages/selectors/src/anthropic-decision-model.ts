// Stateless decisions through Anthropic's Messages API: a forced tool call whose input is the decision.
import Anthropic from "@anthropic-ai/sdk";
import { decisionEnvelopeJsonSchema, parseJsonText } from "./decision.js";
import { repairInstruction, type DecisionCallOptions, type DecisionModel, type DecisionReply } from "./decision-model.js";
import { toSelectorError } from "./provider-error.js";
import { SelectorError } from "./selector-error.js";
import type { ChatPrompt } from "./stateless-prompt.js";

export interface AnthropicClientOptions {
  /** A ready client (tests, proxies); otherwise one is made from the options below. */
  client?: Anthropic;
  /** Defaults to the ANTHROPIC_API_KEY environment variable. */
  apiKey?: string;
  baseURL?: string;
  /** SDK-level retries of failed HTTP requests (default 2). */
  maxRetries?: number;
  fetch?: typeof globalThis.fetch;
}

export interface AnthropicDecisionModelOptions extends AnthropicClientOptions {
  model: string;
  maxTokens?: number;
  temperature?: number;
}

const TOOL = "record_decision";

/** Build (or take) an Anthropic client; a missing key is a configuration error naming the variable. */
export function anthropicClient(options: AnthropicClientOptions): Anthropic {
  if (options.client) return options.client;
  const apiKey = options.apiKey ?? process.env["ANTHROPIC_API_KEY"];
  if (!apiKey) throw new SelectorError("configuration", "no Anthropic API key: set ANTHROPIC_API_KEY or pass apiKey");
  return new Anthropic({
    apiKey,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

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
        messages.push({ role: "assistant", content: previous as Anthropic.ContentBlockParam[] });
        messages.push(
          toolUse
            ? { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, is_error: true, content: repairInstruction(call.repair.error) }] }
            : { role: "user", content: repairInstruction(call.repair.error) },
        );
      }
      let response: Anthropic.Message;
      try {
        response = await client.messages.create(
          {
            model: options.model,
            max_tokens: options.maxTokens ?? 1024,
            ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
            system: prompt.system,
            messages,
            tools: [
              {
                name: TOOL,
                description: "Record your decision for this branch point: choose, clarify or stop.",
                input_schema: schema as Anthropic.Tool.InputSchema,
              },
            ],
            tool_choice: { type: "tool", name: TOOL },
          },
          { signal: call.signal ?? null },
        );
      } catch (error) {
        throw toSelectorError(error, "Anthropic", call.signal);
      }
      const usage = { inputTokens: response.usage?.input_tokens ?? 0, outputTokens: response.usage?.output_tokens ?? 0 };
      const toolUse = response.content.find((b): b is Anthropic.ToolUseBlock => b.type === "tool_use" && b.name === TOOL);
      if (toolUse) {
        return { value: toolUse.input, raw: JSON.stringify(toolUse.input), ...usage, transcript: response.content };
      }
      const text = response.content.map((b) => (b.type === "text" ? b.text : "")).join("");
      const parsed = parseJsonText(text);
      return parsed.ok
        ? { value: parsed.value, raw: text, ...usage, transcript: response.content }
        : { value: undefined, parseError: parsed.error, raw: text, ...usage, transcript: response.content };
    },
  };
}
