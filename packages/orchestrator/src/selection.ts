// Asking a stateless (or human) selector for its decision and turning the answer into a resolution.
import type { ChosenBy, FinalResolution, PieceViewRecord } from "@loom/core";
import type { SelectionOutcome, Selector } from "@loom/selectors";
import type { SessionSteps } from "./session-steps.js";

export type FinalOutcome = Exclude<SelectionOutcome, { action: "reroll" | "write" | "back" | "clarify" }>;

/**
 * The selector's answer, and for an LLM selector the record of what it was shown of the piece (the view is
 * worked out here, once, and handed to it).
 */
export async function select(
  steps: SessionSteps,
  selector: Selector,
  decisionId: string,
  clarification?: { question: string; answer: string },
  signal?: AbortSignal,
): Promise<{ outcome: SelectionOutcome; view: PieceViewRecord | undefined }> {
  const view = selector.chosenBy === "selector_llm" ? steps.pieceView() : undefined;
  try {
    const outcome = await selector.select({
      loom: steps.loom,
      decisionId,
      ...(view ? { view } : {}),
      candidates: steps.candidatesOf(decisionId),
      allowClarify: !!steps.human && !clarification,
      reportUsage: (u) => steps.usage.add("selector", u),
      ...(clarification ? { clarification } : {}),
      ...(signal ? { signal } : {}),
    });
    return { outcome, view: view?.record };
  } catch (error) {
    steps.bus.emit({ type: "error", error: error as Error, where: "selector" });
    throw error;
  }
}

export function toResolution(outcome: FinalOutcome, fallback: ChosenBy, view?: PieceViewRecord): FinalResolution {
  const chosenBy = outcome.chosenBy ?? fallback;
  const shown = view ? { view } : {};
  return outcome.action === "choose"
    ? {
        action: "choose",
        chosenNodeId: outcome.choice,
        chosenBy,
        reason: outcome.reason,
        ranking: outcome.ranking ?? null,
        candidateScores: outcome.scores ?? {},
        ...shown,
      }
    : { action: "stop", chosenBy, reason: outcome.reason, ...shown };
}
