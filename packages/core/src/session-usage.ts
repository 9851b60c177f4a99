// The record of a session's model calls (tokens, requests, and cost where a price is configured), as the
// orchestrator keeps it in the session's side state and analysis and the CLI read it back.

/** One model's totals. */
export interface ModelTotals {
  provider: string;
  model: string;
  /** Prompt tokens for generators, input tokens for selectors. */
  inputTokens: number;
  outputTokens: number;
  requests: number;
  /** null when no price is configured for this model. */
  costUsd: number | null;
}

/** A session's usage, per model, by the role the model played. */
export interface SessionUsage {
  version: 1;
  generator: ModelTotals[];
  selector: ModelTotals[];
  /** Sum over every model with a price; null when none has one. */
  costUsd: number | null;
  /** Models used without a configured price (their cost is not in costUsd). */
  unpriced: string[];
}

/** The name of the side-state file the usage is kept in (`state/usage.json`). */
export const USAGE_STATE_NAME = "usage";

export function emptyUsage(): SessionUsage {
  return { version: 1, generator: [], selector: [], costUsd: null, unpriced: [] };
}
