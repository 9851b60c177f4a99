// A selector driven by a function or a list, for tests, benchmarks and reproducible runs.
import type { ChosenBy } from "@loom/core";
import type { SelectionContext, SelectionOutcome, Selector } from "./selector.js";

export type ScriptStep = SelectionOutcome | ((ctx: SelectionContext) => SelectionOutcome | Promise<SelectionOutcome>);

export interface ScriptedSelectorOptions {
  chosenBy?: ChosenBy;
  kind?: string;
}

/**
 * Answers with `script(ctx)`, or the next entry of a list (a function entry is called with the context).
 * When a list runs out it stops the session, so a short script ends a run cleanly.
 */
export function createScriptedSelector(
  script: ScriptStep[] | ((ctx: SelectionContext, index: number) => SelectionOutcome | Promise<SelectionOutcome>),
  options: ScriptedSelectorOptions = {},
): Selector & { readonly calls: number } {
  let calls = 0;
  return {
    kind: options.kind ?? "scripted",
    chosenBy: options.chosenBy ?? "auto",
    get calls() {
      return calls;
    },
    async select(ctx: SelectionContext): Promise<SelectionOutcome> {
      const index = calls++;
      if (typeof script === "function") return script(ctx, index);
      const step = script[index];
      if (step === undefined) return { action: "stop", reason: "scripted selector: script finished" };
      return typeof step === "function" ? step(ctx) : step;
    },
  };
}

/** The simplest scripted rule: always the first candidate. */
export const chooseFirst = (ctx: SelectionContext): SelectionOutcome => ({
  action: "choose",
  choice: ctx.candidates[0]!.id,
  reason: "first candidate",
});
