// Points the repeated strings of a full snapshot read at one copy: a decision's ids and time are its candidates' strings.
import type { DecisionEvent, LoomNode } from "@loom/core";

/*
 * Why: JSON.parse makes a new string for every value it reads, so a full read held each candidate's id twice
 * (the node's own, and its decision's list of candidates) and each decision's id, parent and time once more
 * than its nodes did: at a million nodes, 1.5 million strings (~60 MB) that the collector copied and marked
 * for nothing. Equal strings are swapped for equal strings, so nothing anyone can observe changes.
 */

/** Remembers where each decision's candidates were stored, then shares their strings with the decision (and with the decision before it: its action, chooser and reason). */
export class DecisionStrings {
  /** Where each run of candidates (siblings of one decision, stored together) starts in the stored order. */
  private readonly starts: number[] = [];
  private lastDecision: string | null = null;
  /** The run the next decision's candidates usually are: decisions are stored in the order their runs were. */
  private next = 0;
  /** Each decision's first run, by decision id: made only if a decision is not where `next` expects it. */
  private byDecision: Map<string, number> | null = null;
  /** The decision shared before, whose action, chooser and reason the next usually repeats. */
  private previous: DecisionEvent | null = null;

  /** Note the node just stored at `at` in the stored order (every node, in order). */
  noteNode(node: LoomNode, at: number): void {
    const decisionId = node.decisionId;
    // Siblings share one decisionId string (shareSiblingStrings), so a run costs one comparison a node.
    if (decisionId === null || decisionId === this.lastDecision) return;
    this.lastDecision = decisionId;
    this.starts.push(at);
  }

  /** The first run of `decisionId`'s candidates (an index into `starts`), or -1. */
  private runOf(decisionId: string, order: readonly LoomNode[]): number {
    const starts = this.starts;
    if (this.next < starts.length && order[starts[this.next]!]!.decisionId === decisionId) return this.next++;
    if (this.byDecision === null) {
      this.byDecision = new Map();
      for (let r = 0; r < starts.length; r++) {
        const id = order[starts[r]!]!.decisionId!;
        if (!this.byDecision.has(id)) this.byDecision.set(id, r);
      }
    }
    const run = this.byDecision.get(decisionId);
    if (run === undefined) return -1;
    this.next = run + 1;
    return run;
  }

  /**
   * Point `decision`'s id, parent, time, candidates and chosen candidate at the equal strings of the nodes
   * stored for it (`order`: every node in the order stored). Candidates are compared one by one with the
   * run stored for the decision; the first that differs (one added later, by a reroll) ends the sharing.
   */
  share(decision: DecisionEvent, order: readonly LoomNode[]): void {
    const previous = this.previous;
    this.previous = decision;
    if (previous !== null) {
      if (decision.action === previous.action) decision.action = previous.action;
      if (decision.chosenBy === previous.chosenBy) decision.chosenBy = previous.chosenBy;
      if (decision.reason === previous.reason) decision.reason = previous.reason;
    }
    const run = this.runOf(decision.id, order);
    if (run < 0) return;
    const start = this.starts[run]!;
    const first = order[start]!;
    const decisionId = first.decisionId!;
    const ids = decision.candidateNodeIds;
    for (let k = 0; k < ids.length; k++) {
      const node = order[start + k];
      if (node === undefined || node.decisionId !== decisionId || node.id !== ids[k]) break;
      ids[k] = node.id;
    }
    const chosen = decision.chosenNodeId;
    if (chosen !== null) {
      const at = ids.indexOf(chosen);
      if (at >= 0) decision.chosenNodeId = ids[at]!;
    }
    decision.id = decisionId;
    if (first.parentId !== null && decision.parentNodeId === first.parentId) decision.parentNodeId = first.parentId;
    if (decision.timestamp === first.createdAt) decision.timestamp = first.createdAt;
  }
}
