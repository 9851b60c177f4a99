// Renders decision records as short blocks: action, who, gap, the chosen text, the reason, any question.
import type { DecisionEvent, Loom } from "@loom/core";
import type { Colors } from "../cli/colors.js";
import { formatLogprob, snippet } from "./snippet.js";

export function renderDecisions(loom: Loom, decisions: readonly DecisionEvent[], c: Colors, empty: string): string {
  if (decisions.length === 0) return c.dim(empty);
  return decisions
    .map((d) => {
      const chosen = d.chosenNodeId ? loom.nodes[d.chosenNodeId] : undefined;
      const head = [
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
