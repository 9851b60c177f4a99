// A transparent automatic selector for headless offline runs: highest logprob, or a seeded random pick.
import { seededRandom } from "@loom/core/internal";
import type { SelectionContext, SelectionOutcome, Selector } from "./selector.js";

export interface AutoSelectorOptions {
  /** "max-logprob" (default): the base model's favourite, ties and missing logprobs by order. "random": seeded. */
  rule?: "max-logprob" | "random";
  seed?: number;
}

export function createAutoSelector(options: AutoSelectorOptions = {}): Selector {
  const rule = options.rule ?? "max-logprob";
  const random = seededRandom(options.seed ?? 1);
  return {
    kind: "auto",
    chosenBy: "auto",
    async select(ctx: SelectionContext): Promise<SelectionOutcome> {
      const ranked = ctx.candidates
        .map((c, i) => ({ c, i }))
        .sort((a, b) => (b.c.stepLogprob ?? -Infinity) - (a.c.stepLogprob ?? -Infinity) || a.i - b.i)
        .map((x) => x.c.id);
      if (rule === "random") {
        const pick = ctx.candidates[Math.floor(random() * ctx.candidates.length)]!;
        return {
          action: "choose",
          choice: pick.id,
          ranking: ranked,
          reason: `auto: seeded random pick (seed ${options.seed ?? 1})`,
        };
      }
      const best = ctx.candidates.find((c) => c.id === ranked[0])!;
      const why =
        best.stepLogprob === null ? "no logprobs, first candidate" : `highest logprob (${best.stepLogprob.toFixed(3)})`;
      return { action: "choose", choice: best.id, ranking: ranked, reason: `auto: ${why}` };
    },
  };
}
