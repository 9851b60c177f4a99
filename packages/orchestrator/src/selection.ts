// Asking a stateless (or human) selector for its decision and turning the answer into a resolution.
import type { ChosenBy, FinalResolution } from "@loom/core";
import type { SelectionOutcome, Selector } from "@loom/selectors";
import type { SessionSteps } from "./session-steps.js";

export type FinalOutcome = Exclude<SelectionOutcome, { action: "reroll" | "write" | "back" | "clarify" }>;

export async function select(
  steps: SessionSteps,
  selector: Selector,
  decisionId: string,
  clarification?: { question: string; answer: string },
  signal?: AbortSignal,
): Promise<SelectionOutcome> {
  try {
    return await selector.select({
      loom: steps.loom,
      decisionId,
      candidates: steps.candidatesOf(decisionId),
      allowClarify: !!steps.human && !clarification,
      reportUsage: (u) => steps.usage.add("selector", u),
      ...(clarification ? { clarification } : {}),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    steps.bus.emit({ type: "error", error: error as Error, where: "selector" });
    throw error;
  }
}

export function toResolution(outcome: FinalOutcome, fallback: ChosenBy): FinalResolution {
  const chosenBy = outcome.chosenBy ?? fallback;
  return outcome.action === "choose"
    ? {
        action: "choose",
        chosenNodeId: outcome.choice,
        chosenBy,
        reason: outcome.reason,
        ranking: outcome.ranking ?? null,
        candidateScores: outcome.scores ?? {},
      }
    : { action: "stop", chosenBy, reason: outcome.reason };
}
