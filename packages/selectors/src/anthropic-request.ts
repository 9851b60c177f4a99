// What an Anthropic selector request carries today: thinking set explicitly, room for it in max_tokens, and the client the key belongs to.
import type Anthropic from "@anthropic-ai/sdk";
import { anthropicModelFacts } from "@loom/core/internal";
import { type SdkClientOptions, type SelectorClient, selectorClient } from "./sdk-client.js";

export const ANTHROPIC_HOME_URL = "https://api.anthropic.com";

export type AnthropicClientOptions = SdkClientOptions<Anthropic>;

/**
 * The Anthropic client (given, or made on the first call: the SDK loads then); a missing key is a configuration
 * error now, naming the variable.
 */
export function anthropicClient(options: AnthropicClientOptions): SelectorClient<Anthropic> {
  return selectorClient(
    options,
    { name: "Anthropic", envVar: "ANTHROPIC_API_KEY", homeURL: ANTHROPIC_HOME_URL },
    async (config) => new (await import("@anthropic-ai/sdk")).default(config),
  );
}

/**
 * The thinking setting and output budget for a selector call. Thinking is switched off where the
 * model allows it (a decision needs no long deliberation, and it would share `max_tokens`);
 * models that always think get adaptive thinking said explicitly and a budget with room for it.
 * API version 2026-10-21 takes no temperature, top_p or top_k, so none are sent.
 */
export function selectorThinking(
  model: string,
  maxTokens: number | undefined,
): { thinking?: Anthropic.ThinkingConfigParam; max_tokens: number } {
  const off = anthropicModelFacts(model).thinkingOff;
  if (off === null) return { thinking: { type: "adaptive" }, max_tokens: maxTokens ?? 16_000 };
  return { ...(off === "omit" ? {} : { thinking: off }), max_tokens: maxTokens ?? 4_096 };
}

/** Only what the API accepts back as input (no SDK-only fields such as `citations: null`); thinking blocks kept whole, signature included. */
export function contentAsInput(content: Anthropic.ContentBlock[]): Record<string, unknown>[] {
  return content.map((b) =>
    b.type === "tool_use"
      ? { type: "tool_use", id: b.id, name: b.name, input: b.input }
      : b.type === "text"
        ? { type: "text", text: b.text }
        : (b as unknown as Record<string, unknown>),
  );
}

/** True when a reply holds nothing that may stand as an assistant turn (no text, no tool call): storing it would fail every later call. */
export function isEmptyReply(content: Anthropic.ContentBlock[]): boolean {
  return !content.some((b) => (b.type === "text" && b.text.trim() !== "") || b.type === "tool_use");
}
