// The judge's model usage: per call with its cost where a price is given, and summed per model over a run.
import type { ModelUsage } from "@loom/selectors";
import type { JudgeUsage } from "./rejudge-record.js";

/** Prices in US dollars per million tokens, keyed by "provider:model" or by the model's name alone (as the orchestrator takes them). */
export type JudgePrices = Record<string, { inputPerMTok: number; outputPerMTok: number }>;

/** One call's usage with its cost, null when no price names the model. */
export function pricedUsage(u: ModelUsage, prices: JudgePrices): JudgeUsage {
  const price = prices[`${u.provider}:${u.model}`] ?? prices[u.model];
  const costUsd = price ? (u.inputTokens * price.inputPerMTok + u.outputTokens * price.outputPerMTok) / 1e6 : null;
  return {
    provider: u.provider,
    model: u.model,
    inputTokens: u.inputTokens,
    outputTokens: u.outputTokens,
    requests: u.requests,
    costUsd,
  };
}

/** Adds `u` into the totals of its model (a model's cost stays null only while none of its calls had a price). */
export function addJudgeUsage(totals: JudgeUsage[], u: JudgeUsage): void {
  const t = totals.find((x) => x.provider === u.provider && x.model === u.model);
  if (!t) {
    totals.push({ ...u });
    return;
  }
  t.inputTokens += u.inputTokens;
  t.outputTokens += u.outputTokens;
  t.requests += u.requests;
  if (u.costUsd !== null) t.costUsd = (t.costUsd ?? 0) + u.costUsd;
}

/** The sum of the priced models' costs; null when no model had a price. */
export function totalCost(totals: readonly JudgeUsage[]): number | null {
  const priced = totals.filter((t) => t.costUsd !== null);
  return priced.length ? priced.reduce((s, t) => s + t.costUsd!, 0) : null;
}
