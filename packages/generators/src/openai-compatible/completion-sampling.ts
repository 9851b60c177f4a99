// The sampling part of a completions request for one server, and the record of what was sent and what was not.
import type { GenerateRequest } from "@loom/core";
import { GeneratorError } from "../errors.js";
import type { SamplingRecord } from "../step-meta.js";
import type { OpenAICompatiblePreset } from "./openai-compatible-presets.js";

export interface CompletionSampling {
  /** Body fields (besides model, prompt, n and seed). */
  body: Record<string, unknown>;
  /** Alternatives per token that will be kept. */
  topLogprobs: number;
  record: SamplingRecord;
}

const camel = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const camelKeys = (o: Record<string, unknown> | undefined) =>
  Object.fromEntries(Object.entries(o ?? {}).map(([k, v]) => [camel(k), v]));

export function completionSampling(request: GenerateRequest, preset: OpenAICompatiblePreset): CompletionSampling {
  const topLogprobs = Math.min(request.logprobs ?? 0, preset.maxLogprobs);
  const stops = request.stop ?? [];
  const apiStops = preset.maxStop === null ? stops : stops.slice(0, preset.maxStop);
  const clientStop = stops.slice(apiStops.length);
  const logprobFields =
    topLogprobs <= 0
      ? {}
      : preset.logprobsRequest === "flag"
        ? { logprobs: true, top_logprobs: topLogprobs }
        : { logprobs: topLogprobs };
  const controls = {
    ...(request.topK !== undefined ? { top_k: request.topK } : {}),
    ...(request.minP !== undefined ? { min_p: request.minP } : {}),
    ...(request.logitBias && Object.keys(request.logitBias).length > 0 ? { logit_bias: request.logitBias } : {}),
  };
  const body = {
    max_tokens: request.maxTokens,
    temperature: request.temperature,
    top_p: request.topP,
    ...preset.samplingOverrides,
    ...controls,
    ...logprobFields,
    ...(apiStops.length > 0 ? { stop: apiStops } : {}),
    ...extraBodyOf(request),
  };
  const notSent: Record<string, unknown> = {};
  if ((request.logprobs ?? 0) > topLogprobs) notSent["logprobs"] = request.logprobs;
  if (!preset.seed && request.seed !== undefined) notSent["seed"] = request.seed;
  const record: SamplingRecord = {
    sent: {
      ...camelKeys(preset.samplingOverrides),
      ...camelKeys(controls),
      ...camelKeys(preset.serviceApplies),
      logprobs: topLogprobs,
      stop: apiStops,
      ...(preset.seed ? {} : { seed: null }),
    },
    notSent,
    ...(preset.serviceApplies ? { serviceApplied: { ...preset.serviceApplies } } : {}),
    clientStop,
  };
  return { body, topLogprobs, record };
}

/** Fields Loom itself sets per request: a passthrough may not replace them (the step would not be what is recorded). */
const RESERVED = new Set([
  "model",
  "prompt",
  "n",
  "seed",
  "stream",
  "stream_options",
  "max_tokens",
  "logprobs",
  "top_logprobs",
  "echo",
]);

/** The request's extra body fields, refused by name where one would replace a field Loom sets. */
function extraBodyOf(request: GenerateRequest): Record<string, unknown> {
  const extra = request.extraBody ?? {};
  const clash = Object.keys(extra).filter((k) => RESERVED.has(k));
  if (clash.length > 0)
    throw new GeneratorError(
      "invalid_request",
      `generator.extraBody may not set ${clash.join(", ")}: Loom sets ${clash.length > 1 ? "them" : "it"} from the session's settings`,
    );
  return extra;
}
