// Renders what the selector said about each candidate of a decision: rank, logprob, the score per criterion, which was chosen.
import { candidateScoreRows, scoreCriteria, type DecisionEvent, type Loom } from "@loom/core";
import type { Colors } from "../cli/colors.js";
import { formatLogprob, snippet } from "./snippet.js";

/** Indented lines under a decision: one row a candidate, best-ranked first; columns for every criterion scored. */
export function renderDecisionScores(loom: Loom, decision: DecisionEvent, c: Colors): string[] {
  const criteria = scoreCriteria(decision);
  const rows = candidateScoreRows(loom, decision);
  if (!decision.ranking?.length && criteria.length === 0) return [c.dim("  (the selector gave no ranking or scores)")];
  const width = Math.max(...criteria.map((k) => k.length), 4);
  const head = ["rank", "logprob", ...criteria.map((k) => k.padStart(width)), "candidate"].join("  ");
  return [
    `  ${c.dim(head)}`,
    ...rows.map((r) => {
      const cols = [
        String(r.rank ?? "–").padStart(4),
        formatLogprob(r.stepLogprob).padStart(7),
        ...criteria.map((k) => String(r.scores[k] ?? "–").padStart(width)),
        `${JSON.stringify(snippet(r.text, 50))}${r.chosen ? c.green(" ← chosen") : ""}`,
      ];
      return `  ${cols.join("  ")}`;
    }),
  ];
}
