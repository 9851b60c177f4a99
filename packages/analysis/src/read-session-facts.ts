// Reads one session read-only into SessionFacts: streamed from the snapshot when it alone is the session, else from a whole read.
import type { DecisionEvent, Loom, LoomNode } from "@loom/core";
import { readSession, readSessionState, readSnapshotRecords } from "@loom/io";
import { factsOf, type FactsHead, type NodeLite } from "./session-facts-builder.js";
import type { ModelUsageTotals, SessionFacts } from "./session-facts.js";

const lite = (node: LoomNode): NodeLite => ({
  parentId: node.parentId,
  text: node.text,
  tokenTexts: node.tokens ? node.tokens.texts() : null,
  origin: node.origin,
});

/** The usage side state as the orchestrator writes it, flattened; null when absent or not in that shape. */
async function usageOf(dir: string, warn: (w: string) => void): Promise<ModelUsageTotals[] | null> {
  const saved = await readSessionState<Record<string, unknown>>(dir, "usage", warn);
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

/**
 * One session's facts, without taking its lock or changing a byte. A session closed cleanly is streamed
 * from its snapshot one frame at a time (no tree is built); otherwise (a journal after the snapshot, an
 * older format) it is read whole, as `loom show` would. Throws IoError naming the file on damage.
 */
export async function readSessionFacts(dir: string): Promise<SessionFacts> {
  const warnings: string[] = [];
  const usage = await usageOf(dir, (w) => warnings.push(w));
  const streamed = await readSnapshotRecords(dir);
  if (streamed) {
    const nodes: Record<string, NodeLite> = Object.create(null);
    const decisions: DecisionEvent[] = [];
    for await (const r of streamed.records()) {
      if (r.kind === "node") nodes[r.record.id] = lite(r.record);
      else decisions.push(r.record);
    }
    return factsOf({ dir, head: streamed.loom, nodes, decisions, usage, warnings });
  }
  const whole = await readSession(dir);
  warnings.push(...whole.warnings);
  const loom: Loom = whole.loom;
  const nodes: Record<string, NodeLite> = Object.create(null);
  for (const id in loom.nodes) nodes[id] = lite(loom.nodes[id]!);
  const head: FactsHead = loom;
  return factsOf({ dir, head, nodes, decisions: Object.values(loom.decisions), usage, warnings });
}
