// Token and request counts of selector model calls, as reported to the orchestrator.

export interface ModelUsage {
  /** "anthropic", "openai", … */
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  requests: number;
}

export function addUsage(a: ModelUsage, b: Pick<ModelUsage, "inputTokens" | "outputTokens" | "requests">): ModelUsage {
  return {
    ...a,
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    requests: a.requests + b.requests,
  };
}
