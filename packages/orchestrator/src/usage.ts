// Per-session usage of model calls (tokens, requests, and cost where a price is configured), counted as a run goes.
import { emptyUsage, type ModelTotals, type PriceTable, type SessionUsage } from "@loom/core";

export { emptyUsage, type ModelTotals, type PriceTable, type SessionUsage };

export type Price = PriceTable[string];

/** The price of a provider's model: by "provider:model", else by the model's name; null when none is configured. */
export function priceOf(prices: PriceTable, provider: string, model: string): Price | null {
  return prices[`${provider}:${model}`] ?? prices[model] ?? null;
}

export class UsageTracker {
  private usage: SessionUsage;

  constructor(
    private readonly prices: PriceTable = {},
    saved?: SessionUsage | null,
  ) {
    this.usage = saved && saved.version === 1 ? structuredClone(saved) : emptyUsage();
  }

  add(
    kind: "generator" | "selector",
    entry: { provider: string; model: string; inputTokens: number; outputTokens: number; requests: number },
  ): void {
    const list = this.usage[kind];
    let totals = list.find((t) => t.provider === entry.provider && t.model === entry.model);
    if (!totals) {
      totals = {
        provider: entry.provider,
        model: entry.model,
        inputTokens: 0,
        outputTokens: 0,
        requests: 0,
        costUsd: null,
      };
      list.push(totals);
    }
    totals.inputTokens += entry.inputTokens;
    totals.outputTokens += entry.outputTokens;
    totals.requests += entry.requests;
    const price = priceOf(this.prices, entry.provider, entry.model);
    totals.costUsd = price
      ? (totals.inputTokens * price.inputPerMTok + totals.outputTokens * price.outputPerMTok) / 1e6
      : null;
    this.recomputeTotal();
  }

  private recomputeTotal(): void {
    const all = [...this.usage.generator, ...this.usage.selector];
    const priced = all.filter((t) => t.costUsd !== null);
    this.usage.costUsd = priced.length ? priced.reduce((s, t) => s + t.costUsd!, 0) : null;
    this.usage.unpriced = all
      .filter((t) => t.costUsd === null && t.requests > 0)
      .map((t) => `${t.provider}:${t.model}`);
  }

  snapshot(): SessionUsage {
    return structuredClone(this.usage);
  }
}
