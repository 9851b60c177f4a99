// Queries over a loom: recent decisions, rejected candidates, divergences from the model, clarifications.
import type { Brief } from "./brief.js";
import type { DecisionEvent } from "./decision-event.js";
import type { Loom } from "./loom.js";
import type { LoomNode } from "./node.js";
import { getNode } from "./text.js";
import { nodeTokenCount, pathTokenCount } from "./token-count.js";

const when = (d: DecisionEvent) => d.resolvedAt ?? d.timestamp;

/** Decisions in the order they were resolved (open ones last, by when they opened). */
export function decisionsInOrder(loom: Loom): DecisionEvent[] {
  return Object.values(loom.decisions).sort((a, b) => {
    const ao = a.action === null ? 1 : 0;
    const bo = b.action === null ? 1 : 0;
    if (ao !== bo) return ao - bo;
    const aw = when(a);
    const bw = when(b);
    return aw < bw ? -1 : aw > bw ? 1 : 0;
  });
}

/** The last `n` decisions that were resolved (choose, clarify or stop), oldest first. */
export function lastDecisions(loom: Loom, n: number): DecisionEvent[] {
  if (n <= 0) return [];
  const resolved = decisionsInOrder(loom).filter((d) => d.action !== null);
  return resolved.slice(-n);
}

/** Candidates offered under `nodeId` that were not chosen (across every decision made there). */
export function rejectedAt(loom: Loom, nodeId: string): LoomNode[] {
  getNode(loom, nodeId);
  const rejected: LoomNode[] = [];
  for (const d of Object.values(loom.decisions)) {
    if (d.parentNodeId !== nodeId || d.action === null) continue;
    for (const id of d.candidateNodeIds) if (id !== d.chosenNodeId) rejected.push(getNode(loom, id));
  }
  return rejected;
}

/** The design's divergence threshold (the seed's `find_divergences` default): a choice at least 1 nat below the favourite. */
export const DEFAULT_DIVERGENCE_THRESHOLD = -1;

/** Choices that went against the base model: `logprobGap` below `threshold`. Empty without logprobs. */
export function divergences(loom: Loom, threshold: number = DEFAULT_DIVERGENCE_THRESHOLD): DecisionEvent[] {
  return decisionsInOrder(loom).filter((d) => d.logprobGap !== null && d.logprobGap < threshold);
}

/** Every decision where a clarification was asked, answered or not. */
export function clarifications(loom: Loom): DecisionEvent[] {
  return decisionsInOrder(loom).filter((d) => d.clarificationQuestion !== null);
}

export interface LoomStats {
  nodes: number;
  decisions: number;
  resolvedDecisions: number;
  clarifications: number;
  depth: number;
  meanLogprobGap: number | null;
  /** Tokens of every generated node (counted as the token budget counts them; the human's own text left out). */
  generatedTokens: number;
  /** Tokens on the current path, as the budget counts them. */
  currentPathTokens: number;
  /** Characters of the current path's text. */
  textChars: number;
}

/** How many decisions have a logprob gap, and the gaps' sum (added in the loom's decision order). */
export interface LogprobGapTotals {
  count: number;
  sum: number;
}

/** The totals `meanLogprobGap` is made of: kept with a stored digest, so a reader can add later decisions' gaps to it. */
export function logprobGapTotals(loom: Loom): LogprobGapTotals {
  let sum = 0;
  let count = 0;
  for (const id in loom.decisions) {
    const gap = loom.decisions[id]!.logprobGap;
    if (gap !== null) {
      sum += gap;
      count++;
    }
  }
  return { count, sum };
}

/** Counts and totals over the whole loom: what `loom stats` prints. */
export function loomStats(loom: Loom): LoomStats {
  let resolved = 0;
  let clar = 0;
  for (const id in loom.decisions) {
    const d = loom.decisions[id]!;
    if (d.action !== null) resolved++;
    if (d.clarificationQuestion !== null) clar++;
  }
  const gaps = logprobGapTotals(loom);
  let nodes = 0;
  let generatedTokens = 0;
  for (const id in loom.nodes) {
    nodes++;
    const n = loom.nodes[id]!;
    if (n.origin === "generated") generatedTokens += nodeTokenCount(n);
  }
  let textChars = 0;
  for (const id of loom.currentPath) textChars += loom.nodes[id]!.text.length;
  return {
    nodes,
    decisions: Object.keys(loom.decisions).length,
    resolvedDecisions: resolved,
    clarifications: clar,
    depth: loom.currentPath.length - 1,
    meanLogprobGap: gaps.count ? gaps.sum / gaps.count : null,
    generatedTokens,
    currentPathTokens: pathTokenCount(loom),
    textChars,
  };
}

/** The brief a decision was made under (its recorded version, read back from the history), or null when it records none. */
export function briefOfDecision(loom: Loom, decisionId: string): Brief | null {
  const version = loom.decisions[decisionId]?.briefVersion ?? null;
  if (version === null) return null;
  if (version === loom.briefVersion) return loom.brief;
  return loom.briefHistory.find((v) => v.version === version)?.brief ?? null;
}
