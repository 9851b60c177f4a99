// A loom's digest: the few things a reader asks of a long session (its totals, its latest decisions, the tree around the tip), small enough to store beside a snapshot and read without the loom.
import { z } from "zod";
import { decisionRows, type DecisionRow } from "./decision-steps.js";
import { DecisionEventSchema } from "./decision-event.js";
import type { Loom } from "./loom.js";
import { ChosenBySchema } from "./node.js";
import { lastDecisions, loomStats, type LoomStats } from "./queries.js";
import { treeWindow, type TreeWindow } from "./tree-window.js";

/** Bumped whenever what a digest holds changes meaning; a reader meeting another version computes afresh. */
export const DIGEST_VERSION = 1;

/** What a stored digest covers: the last 100 decisions, and the 50 steps above the tip with each branch folded. */
export const DIGEST_LIMITS = { decisions: 100, around: 50 } as const;

export interface LoomDigest {
  version: typeof DIGEST_VERSION;
  stats: LoomStats;
  /** The last `limit` resolved decisions (fewer when the loom has fewer), oldest first. */
  decisions: { limit: number; rows: DecisionRow[] };
  /** The tree around the tip, `around` steps up, branches folded at their first node (hidden counts kept). */
  tree: TreeWindow & { around: number };
}

export function loomDigest(loom: Loom, limits: { decisions: number; around: number } = DIGEST_LIMITS): LoomDigest {
  return {
    version: DIGEST_VERSION,
    stats: loomStats(loom),
    decisions: { limit: limits.decisions, rows: decisionRows(loom, lastDecisions(loom, limits.decisions)) },
    tree: { ...treeWindow(loom, { around: limits.around, depth: 0 }), around: limits.around },
  };
}

const count = z.number().int().min(0);

const TreeRowSchema = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  depth: count,
  level: count,
  last: z.boolean(),
  onCurrentPath: z.boolean(),
  tip: z.boolean(),
  hiddenDescendants: count,
  text: z.string(),
  stepLogprob: z.number().nullable(),
  chosenBy: ChosenBySchema.nullable(),
});

/** A stored digest as read back: checked field by field, so one written by another build is recognised as such. */
export const LoomDigestSchema = z.object({
  version: z.literal(DIGEST_VERSION),
  stats: z.object({
    nodes: count,
    decisions: count,
    resolvedDecisions: count,
    clarifications: count,
    depth: count,
    meanLogprobGap: z.number().nullable(),
    generatedTokens: count,
    currentPathTokens: count,
    textChars: count,
  }),
  decisions: z.object({
    limit: count,
    rows: z.array(z.object({ decision: DecisionEventSchema, step: count, chosenText: z.string().nullable() })),
  }),
  tree: z.object({
    mode: z.literal("around"),
    pathLength: count,
    tip: z.string(),
    pathAbove: count,
    around: count,
    rows: z.array(TreeRowSchema),
  }),
});
