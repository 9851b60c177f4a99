// The human-readable summary of a `loom rejudge` run: counts, per-model usage and cost, where the verdicts are.
import type { RejudgeSummary } from "@loom/analysis";

export function renderRejudge(s: RejudgeSummary): string {
  const lines = [
    `judge ${s.judge}: ${s.judged} decisions judged, ${s.resumed} judged before, ${s.failed} failed (${s.decisions} decisions in ${s.sessions.length} sessions)`,
  ];
  for (const u of s.usage)
    lines.push(
      `  ${u.provider}:${u.model}  ${u.requests} requests, ${u.inputTokens} tokens in, ${u.outputTokens} out, ${u.costUsd === null ? "no price" : `$${u.costUsd.toFixed(4)}`}`,
    );
  const written = s.sessions.filter((x) => x.judged + x.failed > 0).length;
  if (written) lines.push(`verdicts appended to state/rejudge.ndjson in ${written} session${written === 1 ? "" : "s"}`);
  return lines.join("\n");
}
