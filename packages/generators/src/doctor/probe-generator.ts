// One tiny real generation (one candidate, two tokens) and what it shows about the service.
import type { Generator, ServiceProbe } from "@loom/core";
import { anthropicModelFacts, classifyFailure } from "@loom/core/internal";
import { APICallError, GeneratorError } from "../errors.js";

/** The probe's request: Loom's default logprobs (5) and paragraph stop, so the report shows what a session would get. */
export const PROBE_REQUEST = {
  prompt: "Once upon a time",
  n: 1,
  maxTokens: 2,
  temperature: 1,
  topP: 1,
  logprobs: 5,
  stop: ["\n\n"],
  seed: 1,
} as const;

/** Facts about an Anthropic model that decide what a generator or selector may send it. */
export function anthropicFacts(model: string): string[] {
  const f = anthropicModelFacts(model);
  const off =
    f.thinkingOff === null
      ? "cannot be turned off"
      : f.thinkingOff === "omit"
        ? "off when the field is left out"
        : `turned off with thinking.type "${f.thinkingOff.type}"`;
  return [
    ...(f.known ? [] : [`${model} is not in Loom's model table: the newest rules are assumed`]),
    `prefill: ${f.prefill ? "accepted" : "refused (Claude 4.6 and later)"}`,
    `thinking: ${f.thinksByDefault ? "on by default" : "off by default"}, ${off}; thinking tokens count against max_tokens`,
    `forced tool_choice: ${f.forcedToolChoice ? "accepted without thinking" : "refused"}`,
    "sampling: temperature, top_p and top_k are not accepted (API version 2026-10-21)",
    ...(f.retires ? [`retires on ${f.retires}`] : []),
  ];
}

export async function probeGenerator(
  generator: Generator,
  options: { baseURL?: string | null; signal?: AbortSignal } = {},
): Promise<ServiceProbe> {
  const baseURL = options.baseURL ?? (generator as { baseURL?: string }).baseURL ?? null;
  const anthropic = generator.provider.startsWith("anthropic");
  const base = {
    role: "generator" as const,
    provider: generator.provider,
    model: generator.model,
    baseURL,
    nativeN: generator.capabilities.nativeN,
    facts: anthropic
      ? anthropicFacts(generator.model)
      : generator.capabilities.seed
        ? ["seed: honoured"]
        : ["seed: not supported"],
  };
  try {
    const result = await generator.generate({
      ...PROBE_REQUEST,
      stop: [...PROBE_REQUEST.stop],
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const sampling = (result.meta["sampling"] ?? {}) as {
      logprobs?: number;
      stop?: string[];
      clientStop?: string[];
      serviceApplied?: Record<string, unknown>;
      notSent?: Record<string, unknown>;
    };
    const tokens = result.candidates.flatMap((c) => c.tokens ?? []);
    const facts = [...base.facts];
    if (sampling.serviceApplied)
      facts.push(
        `the service applies ${Object.entries(sampling.serviceApplied)
          .map(([k, v]) => `${k} ${String(v)}`)
          .join(", ")} that Loom cannot switch off`,
      );
    if (sampling.notSent && Object.keys(sampling.notSent).length)
      facts.push(`not sent (refused or ignored): ${Object.keys(sampling.notSent).join(", ")}`);
    return {
      ...base,
      facts,
      reachable: true,
      auth: true,
      modelServed: true,
      logprobs: generator.capabilities.logprobs
        ? {
            layout: (result.meta["logprobsLayout"] as string | null | undefined) ?? null,
            alternatives: Math.max(0, ...tokens.map((t) => t.top?.length ?? 0)),
            limit: sampling.logprobs ?? 0,
          }
        : null,
      stop: { sent: sampling.stop ?? [], clientSide: sampling.clientStop ?? [] },
      cost: {
        requests: result.usage.requests,
        inputTokens: result.usage.promptTokens,
        outputTokens: result.usage.completionTokens,
      },
      error: null,
      ok: result.candidates.length === 1 && result.candidates[0]!.text.length > 0,
    };
  } catch (error) {
    const status = APICallError.isInstance(error) ? error.statusCode : undefined;
    const refusedHere = GeneratorError.isInstance(error) && !APICallError.isInstance(error);
    return {
      ...base,
      ...(refusedHere ? { reachable: false, auth: null, modelServed: null } : classifyFailure(status)),
      logprobs: null,
      stop: null,
      cost: { requests: APICallError.isInstance(error) ? 1 : 0, inputTokens: 0, outputTokens: 0 },
      error: (error as Error).message,
      ok: false,
    };
  }
}
