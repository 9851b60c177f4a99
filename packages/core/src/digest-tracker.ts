// A loom's digest kept up to date as ops are applied: the whole-loom totals and the latest decisions change by what each op a run makes adds, so a snapshot of a large loom need not walk every record for them.
import type { DecisionEvent } from "./decision-event.js";
import { decisionRows } from "./decision-steps.js";
import { DIGEST_LIMITS, DIGEST_VERSION, type LoomDigest } from "./digest.js";
import type { Loom } from "./loom.js";
import type { LoomOp } from "./loom-op-schema.js";
import { opFootprint } from "./op-footprint.js";
import { lastDecisions, logprobGapTotals } from "./queries.js";
import { nodeTokenCount, pathTokenCount } from "./token-count.js";
import { treeWindow } from "./tree-window.js";

/*
 * Why: a session's compaction stores the digest beside the snapshot, and computing it afresh walked every
 * node and decision (and sorted every decision) at each compaction: a sixth of a compaction's synchronous
 * work on a 26,000-node loom. What a run does — candidates added, an open decision resolved, a checkout —
 * changes the totals by what the op itself holds. Any other op (an edit, a prune, undo…) makes the next
 * digest a full one, so the result is what loomDigest gives, the sum of the gaps up to rounding (figures in
 * bench/MEASUREMENTS.md; the test compares them after every kind of op).
 */

interface Totals {
  nodes: number;
  decisions: number;
  resolvedDecisions: number;
  clarifications: number;
  generatedTokens: number;
  gapCount: number;
  gapSum: number;
}

const when = (d: DecisionEvent) => d.resolvedAt ?? d.timestamp;

/** Keys an object lists first, in numeric order, whatever order they were added in. */
const INDEX_LIKE = /^(?:0|[1-9]\d{0,8})$/;

/** An open decision with every field a resolution sets still empty, as addCandidates opens one. */
const isFresh = (d: DecisionEvent) =>
  d.action === null && d.clarificationQuestion === null && d.logprobGap === null && d.resolvedAt === null;

export class DigestTracker {
  /** Null until the first digest, and after an op this does not follow: the next digest is then computed in full. */
  #totals: Totals | null = null;
  /** Open decisions that add nothing but their count to the totals: resolving one adds exactly what it resolved to. */
  readonly #fresh = new Set<string>();
  /** The decision opened last (last in the loom's order): of decisions resolved at one instant, lastDecisions puts it last. */
  #newest: string | null = null;
  /** The latest resolved decisions (at most the limit), oldest first, as lastDecisions orders them. */
  #recent: string[] = [];
  /** Full counts made so far (a cost counter for tests and benchmarks). */
  fullCounts = 0;

  constructor(private readonly limits: { decisions: number; around: number } = DIGEST_LIMITS) {}

  /** Note `op`, already applied to `loom` (every op applied to it must be noted, in order). */
  noteOp(op: LoomOp, loom: Loom): void {
    const t = this.#totals;
    if (t === null) return;
    if (op.op === "addCandidates") {
      const d = loom.decisions[op.decisionId];
      if (!d) return this.forget();
      // The op opened the decision, or added candidates to an open one (which changes none of its totals).
      if (d.candidateNodeIds.length === op.nodes.length && !this.#fresh.has(d.id)) {
        if (!isFresh(d)) return this.forget();
        t.decisions++;
        this.#fresh.add(d.id);
        this.#newest = d.id;
      }
      for (const n of op.nodes) {
        const node = loom.nodes[n.id];
        if (!node) return this.forget();
        t.nodes++;
        if (node.origin === "generated") t.generatedTokens += nodeTokenCount(node);
      }
      return;
    }
    if (op.op === "resolve") {
      const d = loom.decisions[op.decisionId];
      if (!d || d.action === null || !this.#fresh.delete(d.id)) return this.forget();
      t.resolvedDecisions++;
      if (d.clarificationQuestion !== null) t.clarifications++;
      if (d.logprobGap !== null) {
        t.gapCount++;
        t.gapSum += d.logprobGap;
      }
      if (this.limits.decisions <= 0) return;
      // Resolved after every other resolved decision, it is the latest (a run's usual case). Resolved before
      // some (a clock that went back: a replay, an import), it goes where its instant falls; before every one
      // of a full list, it is not among the latest. At the same instant as others, the loom's order decides
      // (lastDecisions sorts stably): after them when it is the decision opened last; else counted afresh.
      const recent = this.#recent;
      const at = when(d);
      const last = d.id === this.#newest && !INDEX_LIKE.test(d.id);
      const full = recent.length >= this.limits.decisions;
      if (full && recent.length > 0 && at < when(loom.decisions[recent[0]!]!)) return;
      let place = recent.length;
      while (place > 0) {
        const other = when(loom.decisions[recent[place - 1]!]!);
        if (other < at || (other === at && last)) break;
        if (other === at) return this.forget();
        place--;
      }
      if (place === 0 && full) return;
      recent.splice(place, 0, d.id);
      if (recent.length > this.limits.decisions) recent.shift();
      return;
    }
    // Ops that touch no record (a checkout, a hold, a new brief…) change none of the totals.
    const footprint = opFootprint(op, loom);
    if (footprint === null || footprint.nodes.length > 0 || footprint.decisions.length > 0) this.forget();
  }

  /** Compute the next digest in full. */
  forget(): void {
    this.#totals = null;
  }

  /** The digest of `loom` now: equal to loomDigest(loom, limits), the sum of the gaps up to rounding (added in another order). */
  digest(loom: Loom): LoomDigest {
    const t = this.#totals ?? this.count(loom);
    let textChars = 0;
    for (const id of loom.currentPath) textChars += loom.nodes[id]!.text.length;
    const { decisions: limit, around } = this.limits;
    return {
      version: DIGEST_VERSION,
      stats: {
        nodes: t.nodes,
        decisions: t.decisions,
        resolvedDecisions: t.resolvedDecisions,
        clarifications: t.clarifications,
        depth: loom.currentPath.length - 1,
        meanLogprobGap: t.gapCount ? t.gapSum / t.gapCount : null,
        generatedTokens: t.generatedTokens,
        currentPathTokens: pathTokenCount(loom),
        textChars,
      },
      gaps: { count: t.gapCount, sum: t.gapSum },
      decisions: {
        limit,
        rows: decisionRows(
          loom,
          this.#recent.map((id) => loom.decisions[id]!),
        ),
      },
      tree: { ...treeWindow(loom, { around, depth: 0 }), around },
    };
  }

  /** Every total counted afresh, as loomStats counts them. */
  private count(loom: Loom): Totals {
    const gaps = logprobGapTotals(loom);
    const t: Totals = {
      nodes: 0,
      decisions: 0,
      resolvedDecisions: 0,
      clarifications: 0,
      generatedTokens: 0,
      gapCount: gaps.count,
      gapSum: gaps.sum,
    };
    this.fullCounts++;
    this.#fresh.clear();
    this.#newest = null;
    for (const id in loom.decisions) {
      const d = loom.decisions[id]!;
      this.#newest = id;
      t.decisions++;
      if (d.action !== null) t.resolvedDecisions++;
      if (d.clarificationQuestion !== null) t.clarifications++;
      if (isFresh(d)) this.#fresh.add(id);
    }
    for (const id in loom.nodes) {
      t.nodes++;
      const n = loom.nodes[id]!;
      if (n.origin === "generated") t.generatedTokens += nodeTokenCount(n);
    }
    this.#recent = lastDecisions(loom, this.limits.decisions).map((d) => d.id);
    this.#totals = t;
    return t;
  }
}
