// The provenance every adapter records on a step's nodes: who generated it, and how to replay it.
import type { GenerateRequest } from "@loom/core";
import { samplingOf } from "./prompt-builder.js";

export interface StepMetaInput {
  provider: string;
  model: string;
  request: GenerateRequest;
  /** The exact prompt sent: a string for completion models, the system prompt and messages for chat models. */
  prompt: unknown;
  extra?: Record<string, unknown>;
}

export function stepMeta({ provider, model, request, prompt, extra }: StepMetaInput): Record<string, unknown> {
  return {
    provider,
    model,
    promptMode: typeof request.prompt === "string" ? "string" : request.prompt.mode,
    prompt,
    sampling: samplingOf(request),
    ...extra,
  };
}
