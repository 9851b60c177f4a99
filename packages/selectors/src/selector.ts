// The selector contract: what a selector sees at a branch moment and what it may answer.
import type { ChosenBy, Loom, PieceView, SelectorDecision } from "@loom/core";
import type { ModelUsage } from "./model-usage.js";

/** One candidate as a selector sees it. */
export interface SelectionCandidate {
  id: string;
  text: string;
  /** Sum of the segment's token logprobs; null when the generator gave none. */
  stepLogprob: number | null;
}

/** A clarification that was asked at this decision and answered by the human. */
export interface ClarificationExchange {
  question: string;
  answer: string;
}

export interface SelectionContext {
  loom: Loom;
  decisionId: string;
  candidates: SelectionCandidate[];
  /** False when nobody can answer a clarification (headless runs, or one was already answered). */
  allowClarify?: boolean;
  /** Set when the human answered this decision's clarification: decide in its light. */
  clarification?: ClarificationExchange;
  /** What to show of the piece (core's pieceView); computed from the loom when absent. */
  view?: PieceView;
  /** Called once per model request with what it cost, so the orchestrator can account for it. */
  reportUsage?: (usage: ModelUsage) => void;
  signal?: AbortSignal;
}

/**
 * Things only a human does at a branch moment: ask for more candidates, write the continuation,
 * or go back one step. Machine selectors never return these.
 */
export type SelectorCommand = { action: "reroll" } | { action: "write"; text: string } | { action: "back" };

/** A decision, optionally saying who made it (hybrid mode: the human may override the LLM). */
export type SelectionOutcome = (SelectorDecision & { chosenBy?: ChosenBy }) | SelectorCommand;

export interface Selector {
  /** e.g. "human", "stateless", "hybrid", "auto", "scripted". */
  readonly kind: string;
  /** Recorded on decisions this selector makes, unless an outcome names another. */
  readonly chosenBy: ChosenBy;
  select(ctx: SelectionContext): Promise<SelectionOutcome>;
}

/** True for the human-only commands (reroll, write, back). */
export function isSelectorCommand(outcome: SelectionOutcome): outcome is SelectorCommand {
  return outcome.action === "reroll" || outcome.action === "write" || outcome.action === "back";
}
