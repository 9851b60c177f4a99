// A decision opened and then chosen, built field by field without zod: applyOp runs these on every step, and the
// CLI's fast read path (digest-advance.ts) applies the same ops and must not load zod at all.
import type { z } from "zod";
import type { DecisionEvent } from "./decision-event.js";
import type { ChooseResolutionSchema } from "./loom-op-schema.js";
import type { LoomNode } from "./node.js";

/** A new open decision, as DecisionEventSchema would default it. */
export function newOpenDecision(id: string, parentNodeId: string, timestamp: string): DecisionEvent {
  return {
    id,
    parentNodeId,
    candidateNodeIds: [],
    action: null,
    chosenNodeId: null,
    chosenBy: null,
    reason: null,
    ranking: null,
    candidateScores: {},
    clarificationQuestion: null,
    candidatesInTension: null,
    whatHingesOnIt: null,
    humanResponse: null,
    maxLogprob: null,
    chosenLogprob: null,
    logprobGap: null,
    timestamp,
    resolvedAt: null,
    briefVersion: null,
    selectorView: null,
  };
}

/** The highest step logprob among `candidates`; null when none has one. */
export function maxStepLogprob(candidates: readonly (Pick<LoomNode, "stepLogprob"> | undefined)[]): number | null {
  let max: number | null = null;
  for (const c of candidates) {
    const lp = c?.stepLogprob ?? null;
    if (lp !== null && (max === null || lp > max)) max = lp;
  }
  return max;
}

/** Records the choice `r` of `chosen` in the open decision `d` (with the base model's view of it: max, chosen and gap). */
export function recordChoice(
  d: DecisionEvent,
  r: z.infer<typeof ChooseResolutionSchema>,
  chosen: LoomNode,
  max: number | null,
  at: string,
  briefVersion: number | null,
): void {
  d.action = "choose";
  d.chosenNodeId = chosen.id;
  d.chosenBy = r.chosenBy;
  d.reason = r.reason;
  d.ranking = r.ranking;
  d.candidateScores = r.candidateScores;
  d.maxLogprob = max;
  d.chosenLogprob = chosen.stepLogprob;
  d.logprobGap = chosen.stepLogprob !== null && max !== null ? chosen.stepLogprob - max : null;
  d.resolvedAt = at;
  d.briefVersion = briefVersion;
  d.selectorView = r.view ?? null;
  chosen.chosenBy = r.chosenBy;
}
