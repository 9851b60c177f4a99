// What an Anthropic generation request may contain today: stops the API accepts, thinking set explicitly, models that can serve the mode.
import { anthropicNoThinkingModels, anthropicPrefillModels, type AnthropicModelFacts } from "@loom/core/internal";
import type Anthropic from "@anthropic-ai/sdk";
import { GeneratorError } from "../errors.js";
import type { CliSimMode } from "./cli-sim-prompt.js";

/** Stops with a visible character go to the API; whitespace-only ones (refused with a 400) are cut by Loom. */
export function anthropicStops(stops: readonly string[]): { api: string[]; client: string[] } {
  const api = stops.filter((s) => /\S/.test(s));
  return { api, client: stops.filter((s) => s.length > 0 && !/\S/.test(s)) };
}

/** The `thinking` field that switches up-front thinking off for this model, or undefined to leave the field out. */
export function thinkingParam(facts: AnthropicModelFacts): Anthropic.ThinkingConfigParam | undefined {
  return facts.thinkingOff && facts.thinkingOff !== "omit" ? facts.thinkingOff : undefined;
}

/** Refuse, before any request, a model that cannot serve the mode: prefill where it is refused, or a model that always thinks. */
export function checkAnthropicGeneratorModel(
  provider: string,
  model: string,
  mode: CliSimMode,
  facts: AnthropicModelFacts,
): void {
  if (mode === "prefill" && !facts.prefill) {
    throw new GeneratorError(
      "invalid_request",
      `${provider}: ${model} does not accept assistant prefill (Claude 4.6 and later refuse it). Models that do: ${anthropicPrefillModels().join(", ")}. ` +
        `Or use anthropic-cli-sim (the default), which works with every model.`,
    );
  }
  if (facts.known && facts.thinkingOff === null) {
    throw new GeneratorError(
      "invalid_request",
      `${provider}: ${model} always thinks before it writes, and thinking counts against max_tokens, so a short candidate would come back empty. ` +
        `Models that can write without thinking: ${anthropicNoThinkingModels().join(", ")}.`,
    );
  }
}
