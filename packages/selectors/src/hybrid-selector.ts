// Hybrid selection: an LLM selector decides, the human may override each decision (clarifications go to the human too).
import type { HumanInterface } from "./human-interface.js";
import { checkDecision } from "./decision.js";
import { SelectorError } from "./selector-error.js";
import { isSelectorCommand, type SelectionContext, type SelectionOutcome, type Selector } from "./selector.js";

export interface HybridSelectorOptions {
  llm: Selector;
  human: HumanInterface;
}

/**
 * The orchestrator sends clarifications to its `human`; this selector adds the override: after the LLM
 * decides, `human.reviewDecision` (when implemented) may replace the decision, which is then recorded
 * as chosen by the human.
 */
export function createHybridSelector(options: HybridSelectorOptions): Selector {
  return {
    kind: "hybrid",
    chosenBy: options.llm.chosenBy,
    async select(ctx: SelectionContext): Promise<SelectionOutcome> {
      const proposed = await options.llm.select({ ...ctx, allowClarify: ctx.allowClarify ?? true });
      if (isSelectorCommand(proposed) || !options.human.reviewDecision || proposed.action === "clarify")
        return proposed;
      const { chosenBy: _by, ...decision } = proposed;
      const override = await options.human.reviewDecision({
        loom: ctx.loom,
        decisionId: ctx.decisionId,
        candidates: ctx.candidates,
        proposed: decision,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      if (!override) return proposed;
      const check = checkDecision(override, { candidateIds: ctx.candidates.map((c) => c.id) });
      if (!check.ok) throw new SelectorError("invalid_output", `the human override is invalid: ${check.error}`);
      return { ...check.decision, chosenBy: "human" };
    },
  };
}
