// A session at a glance, for lists of sessions: its title, the start of its seed, its size and where it stands.
import { openDecisionAt, pendingClarification, stopDecisionAt } from "./loom-index.js";
import type { Loom } from "./loom.js";

/** Where a session stands: decisions can be made, it was stopped, or a selector's question waits for an answer. */
export type SessionState = "open" | "stopped" | "awaiting-answer";

export interface SessionSummary {
  sessionId: string;
  /** The brief's title, or null when the brief has none. */
  title: string | null;
  /** The seed (the root's text), cut to `seedChars` characters. */
  seed: string;
  createdAt: string;
  /** Steps on the current path (its nodes after the root). */
  steps: number;
  nodes: number;
  decisions: number;
  state: SessionState;
  /** An undecided decision waits at the tip. */
  undecided: boolean;
}

export function sessionSummary(loom: Loom, options: { seedChars?: number } = {}): SessionSummary {
  const tip = loom.currentPath[loom.currentPath.length - 1]!;
  const seed = loom.nodes[loom.rootId]?.text ?? "";
  const max = options.seedChars ?? 160;
  const state: SessionState = pendingClarification(loom)
    ? "awaiting-answer"
    : // A stop the writer went on from (new candidates at the same tip) is over.
      stopDecisionAt(loom, tip) && !openDecisionAt(loom, tip)
      ? "stopped"
      : "open";
  return {
    sessionId: loom.sessionId,
    title: loom.brief.title ? loom.brief.title : null,
    seed: seed.length > max ? `${seed.slice(0, max - 1)}…` : seed,
    createdAt: loom.createdAt,
    steps: loom.currentPath.length - 1,
    nodes: Object.keys(loom.nodes).length,
    decisions: Object.keys(loom.decisions).length,
    state,
    undecided: openDecisionAt(loom, tip) !== null,
  };
}
