// Stateless decisions through an OpenAI-style chat endpoint with structured output (a JSON Schema response format).
import type OpenAI from "openai";
import { decisionEnvelopeJsonSchema, parseJsonText } from "./decision.js";
import {
  repairInstruction,
  type DecisionCallOptions,
  type DecisionModel,
  type DecisionReply,
} from "./decision-model.js";
import { providerCall } from "./provider-error.js";
import { type SdkClientOptions, type SelectorClient, selectorClient } from "./sdk-client.js";
import type { ChatPrompt } from "./stateless-prompt.js";

export type OpenAIClientOptions = SdkClientOptions<OpenAI>;

export const OPENAI_HOME_URL = "https://api.openai.com/v1";

export interface OpenAIDecisionModelOptions extends OpenAIClientOptions {
  model: string;
  maxTokens?: number;
  /** "json_schema" (default) for servers with structured output; "json_object" for those with JSON mode only. */
  responseFormat?: "json_schema" | "json_object";
}

/** The client (given, or made on the first call: the SDK loads then); a missing key fails now, naming the variable. */
export function openaiClient(options: OpenAIClientOptions): SelectorClient<OpenAI> {
  return selectorClient(
    options,
    { name: "OpenAI", envVar: "OPENAI_API_KEY", homeURL: OPENAI_HOME_URL },
    async (config) => new (await import("openai")).default(config),
  );
}

export function openaiDecisionModel(options: OpenAIDecisionModelOptions): DecisionModel {
  const client = openaiClient(options);
  const schema = decisionEnvelopeJsonSchema();
  const format: OpenAI.ChatCompletionCreateParams["response_format"] =
    options.responseFormat === "json_object"
      ? { type: "json_object" }
      : { type: "json_schema", json_schema: { name: "selector_decision", schema, strict: false } };
  return {
    provider: "openai",
    model: options.model,
    async decide(prompt: ChatPrompt, call: DecisionCallOptions = {}): Promise<DecisionReply> {
      const messages: OpenAI.ChatCompletionMessageParam[] = [
        { role: "system", content: prompt.system },
        { role: "user", content: prompt.user },
      ];
      if (call.repair) {
        messages.push({ role: "assistant", content: call.repair.reply.raw });
        messages.push({ role: "user", content: repairInstruction(call.repair.error) });
      }
      const completion: OpenAI.ChatCompletion = await providerCall(
        { provider: "OpenAI", baseURL: client.baseURL },
        call.signal,
        async () =>
          (await client.get()).chat.completions.create(
            {
              model: options.model,
              messages,
              response_format: format,
              // max_completion_tokens: reasoning models refuse max_tokens; no temperature (they refuse non-default values).
              ...(options.maxTokens !== undefined ? { max_completion_tokens: options.maxTokens } : {}),
            },
            { signal: call.signal ?? null },
          ),
      );
      const usage = {
        inputTokens: completion.usage?.prompt_tokens ?? 0,
        outputTokens: completion.usage?.completion_tokens ?? 0,
      };
      const message = completion.choices[0]?.message;
      const text = message?.content ?? "";
      if (!text && message?.refusal) {
        return {
          value: undefined,
          parseError: `the model refused: ${message.refusal}`,
          raw: message.refusal,
          ...usage,
          transcript: null,
        };
      }
      const parsed = parseJsonText(text);
      return parsed.ok
        ? { value: parsed.value, raw: text, ...usage, transcript: null }
        : { value: undefined, parseError: parsed.error, raw: text, ...usage, transcript: null };
    },
  };
}
