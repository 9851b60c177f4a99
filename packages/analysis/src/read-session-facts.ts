// Reads one session read-only into SessionFacts: its compact records, and the usage the runs saved.
import { USAGE_STATE_NAME } from "@loom/core";
import { readSessionState } from "@loom/io";
import { readCompactSession } from "./compact-session.js";
import { factsOf } from "./session-facts-builder.js";
import type { ModelUsageTotals, SessionFacts } from "./session-facts.js";

/** The usage side state as the orchestrator writes it, flattened; null when absent or not in that shape. */
export function usageRows(saved: Record<string, unknown> | null): ModelUsageTotals[] | null {
  if (saved === null || typeof saved !== "object") return null;
  const rows: ModelUsageTotals[] = [];
  for (const kind of ["generator", "selector"] as const) {
    const list = saved[kind];
    if (!Array.isArray(list)) return null;
    for (const t of list as Record<string, unknown>[]) {
      rows.push({
        kind,
        provider: String(t["provider"] ?? ""),
        model: String(t["model"] ?? ""),
        inputTokens: Number(t["inputTokens"] ?? 0),
        outputTokens: Number(t["outputTokens"] ?? 0),
        requests: Number(t["requests"] ?? 0),
        costUsd: typeof t["costUsd"] === "number" ? t["costUsd"] : null,
      });
    }
  }
  return rows;
}

async function usageOf(dir: string, warn: (w: string) => void): Promise<ModelUsageTotals[] | null> {
  return usageRows(await readSessionState<Record<string, unknown>>(dir, USAGE_STATE_NAME, warn));
}

/** One session's facts, without taking its lock or changing a byte (see readCompactSession). */
export async function readSessionFacts(dir: string): Promise<SessionFacts> {
  const warnings: string[] = [];
  const usage = await usageOf(dir, (w) => warnings.push(w));
  const session = await readCompactSession(dir);
  return factsOf({ dir, ...session, usage, warnings: [...session.warnings, ...warnings] });
}
