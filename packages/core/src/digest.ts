// A loom's digest: the few things a reader asks of a long session (its totals, its latest decisions, the tree around the tip), small enough to store beside a snapshot and read without the loom.
import { decisionRows, type DecisionRow } from "./decision-steps.js";
import type { Loom } from "./loom.js";
import { lastDecisions, logprobGapTotals, loomStats, type LogprobGapTotals, type LoomStats } from "./queries.js";
import { treeWindow, type TreeWindow } from "./tree-window.js";

/** Bumped whenever what a digest holds changes meaning; a reader meeting another version computes afresh. */
export const DIGEST_VERSION = 1;

/** What a stored digest covers: the last 100 decisions, and the 50 steps above the tip with each branch folded. */
export const DIGEST_LIMITS = { decisions: 100, around: 50 } as const;

export interface LoomDigest {
  version: typeof DIGEST_VERSION;
  stats: LoomStats;
  /** What `stats.meanLogprobGap` is made of, so decisions made after the digest can be added to it (absent from digests of older builds). */
  gaps?: LogprobGapTotals;
  /** The last `limit` resolved decisions (fewer when the loom has fewer), oldest first. */
  decisions: { limit: number; rows: DecisionRow[] };
  /** The tree around the tip, `around` steps up, branches folded at their first node (hidden counts kept). */
  tree: TreeWindow & { around: number };
}

export function loomDigest(loom: Loom, limits: { decisions: number; around: number } = DIGEST_LIMITS): LoomDigest {
  return {
    version: DIGEST_VERSION,
    stats: loomStats(loom),
    gaps: logprobGapTotals(loom),
    decisions: { limit: limits.decisions, rows: decisionRows(loom, lastDecisions(loom, limits.decisions)) },
    tree: { ...treeWindow(loom, { around: limits.around, depth: 0 }), around: limits.around },
  };
}
