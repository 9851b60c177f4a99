// Renders decision rows as short blocks: step, action, who, gap, the chosen text, the reason, any question.
import type { DecisionEvent, DecisionRow } from "@loom/core";
import type { Colors } from "../cli/colors.js";
import { formatLogprob, snippet } from "./snippet.js";

/** Decision records as the commands print them in --json: the DecisionEvent fields plus the step they were made at. */
export function decisionsJson(rows: readonly DecisionRow[]) {
  return rows.map((r) => ({ ...r.decision, step: r.step }));
}

export function renderDecisions(
  rows: readonly DecisionRow[],
  c: Colors,
  empty: string,
  /** More lines under each decision (e.g. its candidates' ranks and scores). */
  more?: (decision: DecisionEvent) => string[],
): string {
  if (rows.length === 0) return c.dim(empty);
  return rows
    .map(({ decision: d, step, chosenText }) => {
      const head = [
        c.bold(`step ${step}`),
        c.bold(d.action ?? "open"),
        c.dim(d.id),
        d.chosenBy ? `by ${d.chosenBy}` : "",
        `${d.candidateNodeIds.length} candidates`,
        d.logprobGap !== null ? `gap ${formatLogprob(d.logprobGap)}` : "",
      ]
        .filter(Boolean)
        .join("  ");
      const lines = [head];
      if (chosenText !== null) lines.push(`  chose ${JSON.stringify(snippet(chosenText, 70))}`);
      if (d.reason) lines.push(`  reason: ${snippet(d.reason, 100)}`);
      if (d.clarificationQuestion) lines.push(`  asked: ${d.clarificationQuestion}`);
      if (d.humanResponse) lines.push(`  answer: ${d.humanResponse}`);
      if (more) lines.push(...more(d));
      return lines.join("\n");
    })
    .join("\n");
}
