// The provenance every adapter records on a step's nodes: who generated it, what was sent, and what the service ignored.
import type { GenerateRequest } from "@loom/core";
import { samplingOf } from "./prompt-builder.js";

/** What an adapter really did with the request's sampling settings. */
export interface SamplingRecord {
  /** Settings in effect, as sent (or applied by the service itself, see `serviceApplied`); overrides the requested values. */
  sent: Record<string, unknown>;
  /** Requested settings that were not sent because the service refuses or ignores them, with the value asked for. */
  notSent?: Record<string, unknown>;
  /** Sampling the service applies on its own that Loom cannot switch off. */
  serviceApplied?: Record<string, unknown>;
  /** Stop sequences Loom applied to the text because the service was not sent them. */
  clientStop?: string[];
}

export interface StepMetaInput {
  provider: string;
  model: string;
  request: GenerateRequest;
  /** The exact prompt sent: a string for completion models, the system prompt and messages for chat models. */
  prompt: unknown;
  /** Default: the request's settings, all honoured (local and scripted generators). */
  sampling?: SamplingRecord;
  extra?: Record<string, unknown>;
}

/** `meta.sampling`: the values in effect at the top level, then what was not sent and what the service added. */
function samplingMeta(request: GenerateRequest, record: SamplingRecord | undefined): Record<string, unknown> {
  const base = { ...samplingOf(request), ...record?.sent };
  if (!record) return base;
  return {
    ...base,
    ...(record.serviceApplied && Object.keys(record.serviceApplied).length > 0
      ? { serviceApplied: record.serviceApplied }
      : {}),
    ...(record.notSent && Object.keys(record.notSent).length > 0 ? { notSent: record.notSent } : {}),
    ...(record.clientStop && record.clientStop.length > 0 ? { clientStop: record.clientStop } : {}),
  };
}

export function stepMeta({
  provider,
  model,
  request,
  prompt,
  sampling,
  extra,
}: StepMetaInput): Record<string, unknown> {
  return {
    provider,
    model,
    promptMode: typeof request.prompt === "string" ? "string" : request.prompt.mode,
    prompt,
    sampling: samplingMeta(request, sampling),
    ...extra,
  };
}
