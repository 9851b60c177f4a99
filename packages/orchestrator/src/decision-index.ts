// An index of a loom's decisions by parent node and of pending clarifications, so each step's lookups are O(1).
import type { DecisionEvent, Loom } from "@loom/core";

/**
 * Core's queries scan every decision, which made the loop's cost grow with the loom. The orchestrator
 * makes every mutation, so it keeps this index current itself (`noteDecision` after adding candidates);
 * decision objects are read live from the loom, so a resolution is always seen. Call `rebuild` after
 * changing the loom behind the orchestrator's back.
 */
export class DecisionIndex {
  private byParent = new Map<string, string[]>();
  private clarifying = new Set<string>();

  constructor(private readonly loom: Loom) {
    this.rebuild();
  }

  rebuild(): void {
    this.byParent.clear();
    this.clarifying.clear();
    for (const d of Object.values(this.loom.decisions)) this.noteDecision(d.id);
  }

  /** Record a decision (new, or newly clarifying); idempotent. */
  noteDecision(decisionId: string): void {
    const d = this.loom.decisions[decisionId];
    if (!d) return;
    const list = this.byParent.get(d.parentNodeId);
    if (!list) this.byParent.set(d.parentNodeId, [d.id]);
    else if (!list.includes(d.id)) list.push(d.id);
    if (d.action === "clarify" && d.humanResponse === null) this.clarifying.add(d.id);
  }

  private at(nodeId: string): DecisionEvent[] {
    return (this.byParent.get(nodeId) ?? []).map((id) => this.loom.decisions[id]!);
  }

  /** The open (undecided) decision under `nodeId`, if any. */
  openAt(nodeId: string): string | null {
    return this.at(nodeId).find((d) => d.action === null)?.id ?? null;
  }

  /** The reason of a stop decision under `nodeId`, if one was made. */
  stoppedAt(nodeId: string): string | null {
    const d = this.at(nodeId).find((x) => x.action === "stop");
    return d ? (d.reason ?? "stopped") : null;
  }

  /** A clarification still waiting for the human, if any. */
  pending(): DecisionEvent | null {
    for (const id of this.clarifying) {
      const d = this.loom.decisions[id];
      if (d && d.action === "clarify" && d.humanResponse === null) return d;
      this.clarifying.delete(id);
    }
    return null;
  }
}
