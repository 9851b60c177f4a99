// The interface apps implement for a person at the keyboard or on a web page: choose, answer, override.
import type { Brief, Loom, SelectorDecision } from "@loom/core";
import type { SelectionCandidate, SelectionOutcome } from "./selector.js";

export interface HumanChoiceRequest {
  loom: Loom;
  decisionId: string;
  candidates: SelectionCandidate[];
  signal?: AbortSignal;
}

export interface ClarificationRequest {
  loom: Loom;
  decisionId: string;
  question: string;
  /** Candidate ids the question is about. */
  candidatesInTension: string[];
  whatHingesOnIt: string;
  candidates: SelectionCandidate[];
  signal?: AbortSignal;
}

/**
 * The human's answer to a clarification: free text, and optionally the decision itself
 * (`choose` a candidate id, or `stop`). Without a decision, the selector decides in the light of the answer.
 */
export interface ClarificationAnswer {
  answer: string;
  decision?: { action: "choose"; choice: string; reason?: string } | { action: "stop"; reason?: string };
}

/** A brief change the agent proposes, put to the human for approval. */
export interface BriefChangeRequest {
  loom: Loom;
  current: Brief;
  /** The whole brief as it would be after the change. */
  proposed: Brief;
  /** The names of the fields that change. */
  changed: string[];
  reason: string;
  signal?: AbortSignal;
}

export interface BriefChangeAnswer {
  approved: boolean;
  /** Said back to the agent (why not, or what to keep in mind). */
  note?: string;
}

export interface HumanInterface {
  /** Present the candidates and return a decision, or reroll / write / back. */
  chooseCandidate(request: HumanChoiceRequest): Promise<SelectionOutcome>;
  /** Put a selector's question to the human. */
  answerClarification(request: ClarificationRequest): Promise<ClarificationAnswer>;
  /**
   * Hybrid mode: show the LLM's decision; return null to accept it or another decision to override it.
   * Optional: without it the LLM's decisions stand.
   */
  reviewDecision?(request: HumanChoiceRequest & { proposed: SelectorDecision }): Promise<SelectorDecision | null>;
  /** Approve or refuse the agent's proposed brief change. Optional: without it the agent cannot change the brief. */
  approveBriefChange?(request: BriefChangeRequest): Promise<BriefChangeAnswer>;
}
