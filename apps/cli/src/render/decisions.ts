// Renders decision records as short blocks: action, who, gap, the chosen text, the reason, any question.
import type { DecisionEvent, Loom } from "@loom/core";
import type { Colors } from "../cli/colors.js";
import { stepCounter } from "./decision-steps.js";
import { formatLogprob, snippet } from "./snippet.js";

/** Decision records as the commands print them in --json: the DecisionEvent fields plus the step they were made at. */
export function withSteps(loom: Loom, decisions: readonly DecisionEvent[]): (DecisionEvent & { step: number })[] {
  const stepOf = stepCounter(loom);
  return decisions.map((d) => ({ ...d, step: stepOf(d.parentNodeId) }));
}

export function renderDecisions(loom: Loom, decisions: readonly DecisionEvent[], c: Colors, empty: string): string {
  if (decisions.length === 0) return c.dim(empty);
  const stepOf = stepCounter(loom);
  return decisions
    .map((d) => {
      const chosen = d.chosenNodeId ? loom.nodes[d.chosenNodeId] : undefined;
      const head = [
        c.bold(`step ${stepOf(d.parentNodeId)}`),
        c.bold(d.action ?? "open"),
        c.dim(d.id),
        d.chosenBy ? `by ${d.chosenBy}` : "",
        `${d.candidateNodeIds.length} candidates`,
        d.logprobGap !== null ? `gap ${formatLogprob(d.logprobGap)}` : "",
      ]
        .filter(Boolean)
        .join("  ");
      const lines = [head];
      if (chosen) lines.push(`  chose ${JSON.stringify(snippet(chosen.text, 70))}`);
      if (d.reason) lines.push(`  reason: ${snippet(d.reason, 100)}`);
      if (d.clarificationQuestion) lines.push(`  asked: ${d.clarificationQuestion}`);
      if (d.humanResponse) lines.push(`  answer: ${d.humanResponse}`);
      return lines.join("\n");
    })
    .join("\n");
}
