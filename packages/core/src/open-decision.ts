// A new open decision, built field by field without zod: applyOp runs this on every step, and the CLI's
// fast read path (digest-advance.ts) must not load zod at all.
import type { DecisionEvent } from "./decision-event.js";

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
