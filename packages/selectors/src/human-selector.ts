// A selector that asks a person (through an app's HumanInterface) at every branch moment.
import { checkDecision } from "./decision.js";
import type { HumanInterface } from "./human-interface.js";
import { SelectorError } from "./selector-error.js";
import { isSelectorCommand, type SelectionContext, type SelectionOutcome, type Selector } from "./selector.js";

export function createHumanSelector(human: HumanInterface): Selector {
  return {
    kind: "human",
    chosenBy: "human",
    async select(ctx: SelectionContext): Promise<SelectionOutcome> {
      const outcome = await human.chooseCandidate({
        loom: ctx.loom,
        decisionId: ctx.decisionId,
        candidates: ctx.candidates,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      });
      if (isSelectorCommand(outcome)) return outcome;
      // A UI bug must not write a dangling id into the loom; the message names the bad field.
      const check = checkDecision(outcome, { candidateIds: ctx.candidates.map((c) => c.id) });
      if (!check.ok)
        throw new SelectorError("invalid_output", `the human interface returned an invalid decision: ${check.error}`);
      return { ...check.decision, chosenBy: "human" };
    },
  };
}
