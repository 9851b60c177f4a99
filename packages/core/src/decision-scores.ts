// What a selector said about each candidate of a decision: its place in the ranking and its score per criterion, for the views that show them.
import type { DecisionEvent } from "./decision-event.js";
import type { Loom } from "./loom.js";

export interface CandidateScoreRow {
  nodeId: string;
  text: string;
  stepLogprob: number | null;
  /** 1 for the selector's best; null when the selector gave no ranking or left this one out. */
  rank: number | null;
  /** Per criterion (the decision's own scores, else the node's). */
  scores: Record<string, number>;
  chosen: boolean;
}

/** The criteria scored at this decision, in the order the selector first named them. */
export function scoreCriteria(decision: DecisionEvent): string[] {
  return [...new Set(Object.values(decision.candidateScores).flatMap((s) => Object.keys(s)))];
}

/** The decision's candidates, ranked ones first in the selector's order, then the rest as offered. */
export function candidateScoreRows(loom: Loom, decision: DecisionEvent): CandidateScoreRow[] {
  const ranking = decision.ranking ?? [];
  const rows = decision.candidateNodeIds.map((id): CandidateScoreRow => {
    const node = loom.nodes[id];
    const at = ranking.indexOf(id);
    return {
      nodeId: id,
      text: node?.text ?? "",
      stepLogprob: node?.stepLogprob ?? null,
      rank: at >= 0 ? at + 1 : null,
      scores: decision.candidateScores[id] ?? node?.scores ?? {},
      chosen: decision.chosenNodeId === id,
    };
  });
  const order = (r: CandidateScoreRow) => r.rank ?? ranking.length + 1;
  return rows.sort((a, b) => order(a) - order(b));
}
