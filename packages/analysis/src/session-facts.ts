// What analysis keeps of one session: its settings, its piece's length, how it stopped, usage, and one compact row per decision.
import type { ChosenBy, DecisionAction, ModelTotals } from "@loom/core";

/** One model's totals from the session's usage record, with the role the model played. */
export interface ModelUsageTotals extends ModelTotals {
  kind: "generator" | "selector";
}

/** A clarification asked at a decision, and what became of it. */
export interface ClarificationFacts {
  question: string;
  whatHingesOnIt: string | null;
  candidatesInTension: string[];
  humanResponse: string | null;
}

/** One decision, reduced to what the aggregates need (the candidates' texts are summarised, not kept). */
export interface DecisionFacts {
  id: string;
  /** The step the decision was made at, numbered as `loom decisions` shows it: 1 for the first after the seed. */
  step: number;
  /** Where in the piece the decision fell, in [0, 1]: the middle of its step, (step − ½) over the piece's steps. */
  position: number;
  /** null while the decision is open. */
  action: DecisionAction | null;
  chosenBy: ChosenBy | null;
  /** The chosen candidate (choose only). */
  chosenNodeId: string | null;
  /** The chooser's ranking of the candidates, best first, when it gave one. */
  ranking: string[] | null;
  reason: string | null;
  maxLogprob: number | null;
  chosenLogprob: number | null;
  logprobGap: number | null;
  candidates: number;
  /** Distinct candidate texts offered (identical texts counted once). */
  distinctTexts: number;
  /** Mean over candidate pairs of the Jaccard overlap of their token sets; null with fewer than two candidates. */
  meanPairwiseOverlap: number | null;
  clarification: ClarificationFacts | null;
}

/** Why a session's piece ended, as far as the record tells (the orchestrator's stop event itself is not stored). */
export type StopKind = "selector" | "max-tokens" | "max-steps" | "awaiting-clarification" | "open";

export interface SessionFacts {
  dir: string;
  sessionId: string;
  briefTitle: string | null;
  generator: { provider: string; model: string };
  selector: { mode: string; model: string | null };
  /** "default" or "stable" when the sampling settings are exactly that preset's, else "custom". */
  preset: string;
  stop: { kind: StopKind; reason: string | null };
  piece: { steps: number; tokens: number; chars: number };
  /** Tokens of every generated node, the chosen and the rejected. */
  generatedTokens: number;
  /** null when the session has no usage side state. */
  usage: ModelUsageTotals[] | null;
  decisions: DecisionFacts[];
  /** Recovery notes from reading (a torn last journal line…). */
  warnings: string[];
}
