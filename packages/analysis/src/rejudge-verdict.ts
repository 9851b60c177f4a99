// A judge's answer to a replayed decision as the verdict it records; a human's command or an unknown candidate is no verdict.
import type { SelectionOutcome } from "@loom/selectors";
import type { Verdict } from "./rejudge-record.js";

export function verdictOf(outcome: SelectionOutcome, candidateIds: readonly string[]): Verdict {
  switch (outcome.action) {
    case "choose":
      if (!candidateIds.includes(outcome.choice))
        throw new Error(`the judge chose "${outcome.choice}", which is not one of the decision's candidates`);
      return {
        action: "choose",
        choice: outcome.choice,
        ranking: outcome.ranking ?? null,
        scores: outcome.scores ?? null,
        reason: outcome.reason,
      };
    case "stop":
      return { action: "stop", choice: null, ranking: null, scores: null, reason: outcome.reason };
    case "clarify":
      return { action: "clarify", choice: null, ranking: null, scores: null, reason: outcome.question };
    default:
      throw new Error(`the judge answered "${outcome.action}", a human's command, not a verdict`);
  }
}
