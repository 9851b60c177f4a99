// Draws a sweep's status for the terminal: a progress bar, counts by cell, failures with their errors, cost so far.
import type { SweepStatus } from "@loom/sweep";

const ORDER = ["done", "running", "queued", "retrying", "lost", "failed", "cancelled"] as const;
const BAR = 30;

function countsLine(counts: SweepStatus["counts"]): string {
  return ORDER.filter((s) => counts[s])
    .map((s) => `${counts[s]} ${s}`)
    .join(" · ");
}

export function renderSweepStatus(status: SweepStatus): string {
  const finished = (status.counts.done ?? 0) + (status.counts.failed ?? 0) + (status.counts.cancelled ?? 0);
  const filled = status.total === 0 ? BAR : Math.round((finished / status.total) * BAR);
  const percent = status.total === 0 ? 100 : Math.floor((finished / status.total) * 100);
  const cost = status.costUsd === null ? "cost unknown (no prices)" : `$${status.costUsd.toFixed(4)} so far`;
  const lines = [
    `sweep ${status.name}${status.cancelled ? " (cancelled)" : ""}`,
    `[${"#".repeat(filled)}${".".repeat(BAR - filled)}] ${finished}/${status.total} finished (${percent}%)`,
    `${countsLine(status.counts)} · ${status.decisions} decisions · ${status.tokens} tokens · ${cost}`,
    "",
    ...status.cells.map((c) => `  ${c.cell}: ${countsLine(c.counts)} (of ${c.total})`),
  ];
  if (status.failures.length > 0) {
    lines.push("", "errors:");
    for (const f of status.failures) lines.push(`  ${f.session} (${f.state}, ${f.attempts} attempt(s)): ${f.error}`);
  }
  return lines.join("\n");
}
