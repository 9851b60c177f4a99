// A session at a glance, for lists of sessions: its title, the start of its seed, its size and where it stands.
import { openDecisionAt, pendingClarification, stopDecisionAt } from "./loom-index.js";
import type { DecisionEvent } from "./decision-event.js";
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

const SEED_CHARS = 160;

function cutSeed(seed: string, max = SEED_CHARS): string {
  return seed.length > max ? `${seed.slice(0, max - 1)}…` : seed;
}

export function sessionSummary(loom: Loom, options: { seedChars?: number } = {}): SessionSummary {
  const tip = loom.currentPath[loom.currentPath.length - 1]!;
  const state: SessionState = pendingClarification(loom)
    ? "awaiting-answer"
    : // A stop the writer went on from (new candidates at the same tip) is over.
      stopDecisionAt(loom, tip) && !openDecisionAt(loom, tip)
      ? "stopped"
      : "open";
  return {
    sessionId: loom.sessionId,
    title: loom.brief.title ? loom.brief.title : null,
    seed: cutSeed(loom.nodes[loom.rootId]?.text ?? "", options.seedChars),
    createdAt: loom.createdAt,
    steps: loom.currentPath.length - 1,
    nodes: Object.keys(loom.nodes).length,
    decisions: Object.keys(loom.decisions).length,
    state,
    undecided: openDecisionAt(loom, tip) !== null,
  };
}

/** What a reader has of a session without its records: the snapshot's head and path frames and its stored digest. */
export interface SummaryParts {
  sessionId: string;
  title: string | null;
  createdAt: string;
  /** The root's text. */
  seed: string;
  /** The current path's last node, and its steps (nodes after the root): a store need not read the whole path. */
  tip: string;
  steps: number;
  nodes: number;
  decisions: number;
  /** The open or clarifying decision at the tip, as the path frame keeps it. */
  openAtTip: DecisionEvent | null;
  /** The latest resolved decisions (the digest's rows). */
  latest: readonly DecisionEvent[];
}

/**
 * The same summary from a session's stored digest, for lists of many sessions. One difference from a whole
 * read: the digest keeps only the tip's open decision, so a question left waiting on another branch (after a
 * checkout away from it) shows as the state of the tip instead of "awaiting-answer".
 */
export function sessionSummaryOfParts(parts: SummaryParts): SessionSummary {
  const tip = parts.tip;
  const open = parts.openAtTip;
  const stoppedHere = parts.latest.some((d) => d.action === "stop" && d.parentNodeId === tip);
  const state: SessionState =
    open?.action === "clarify" && open.humanResponse === null
      ? "awaiting-answer"
      : stoppedHere && open?.action !== null
        ? "stopped"
        : "open";
  return {
    sessionId: parts.sessionId,
    title: parts.title ? parts.title : null,
    seed: cutSeed(parts.seed),
    createdAt: parts.createdAt,
    steps: parts.steps,
    nodes: parts.nodes,
    decisions: parts.decisions,
    state,
    undecided: open?.action === null,
  };
}
