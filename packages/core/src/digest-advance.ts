// A stored digest brought up to date with the ops a run journaled after its snapshot (candidates added at the tip, decisions resolved), without the loom; null for any op it cannot follow.
import type { DecisionEvent } from "./decision-event.js";
import type { DecisionRow } from "./decision-steps.js";
import type { LoomDigest } from "./digest.js";
import type { FinalResolution, LoomOp, Resolution } from "./loom-op-schema.js";
import type { LoomNode } from "./node.js";
import { maxStepLogprob, newOpenDecision, recordChoice } from "./open-decision.js";
import { nodeTokenCount } from "./token-count.js";
import type { TreeRow } from "./tree-window.js";

/*
 * Why: a session being written has ops in its journal past the snapshot, so the digest stored with the
 * snapshot no longer describes it, and `loom show` on a running session read all of it (seconds on 100,000
 * nodes). What a run journals is narrow — candidates under the tip, then a choice that extends the path —
 * and each such op changes the digest in a way that can be worked out from the digest, the path and the
 * op alone. Anything else (a checkout elsewhere, an edit, a prune, a new brief) returns null and the
 * caller reads the session whole, so the result is always what a whole read gives.
 */

/** What a reader has of a session without its records: the stored digest, the current path and the open decision at its tip. */
export interface PathDigest {
  digest: LoomDigest;
  /** Node ids of the current path, root … tip. */
  path: string[];
  /** The length of each path node's text. */
  segments: number[];
  /** The path's text, when read (else null, and it stays null). */
  text: string | null;
  /** The loom's brief version (decisions resolved now record it). */
  briefVersion: number | null;
  /** The open (or clarifying) decision at the tip and its candidates, as the snapshot holds them. */
  open: { decision: DecisionEvent; candidates: LoomNode[] } | null;
}

const when = (d: DecisionEvent) => d.resolvedAt ?? d.timestamp;

class Advance {
  readonly path: string[];
  readonly segments: number[];
  text: string | null;
  readonly stats: LoomDigest["stats"];
  readonly gaps: { count: number; sum: number };
  readonly rows: TreeRow[];
  pathAbove: number;
  /** Nodes this reader knows whole: the open decision's candidates and those the journal added. */
  private readonly nodes = new Map<string, LoomNode>();
  /** Decisions it knows whole, with the step each was opened at; insertion order is the loom's. */
  readonly decisions = new Map<string, { decision: DecisionEvent; step: number; fresh: boolean }>();

  constructor(
    private readonly from: PathDigest,
    gaps: { count: number; sum: number },
  ) {
    const d = from.digest;
    this.path = [...from.path];
    this.segments = [...from.segments];
    this.text = from.text;
    this.stats = { ...d.stats };
    this.gaps = { ...gaps };
    this.rows = d.tree.rows.map((r) => ({ ...r }));
    this.pathAbove = d.tree.pathAbove;
    if (from.open) {
      for (const n of from.open.candidates) this.nodes.set(n.id, { ...n });
      const o = from.open.decision;
      const step = this.path.lastIndexOf(o.parentNodeId) + 1;
      if (step > 0) this.decisions.set(o.id, { decision: { ...o }, step, fresh: false });
    }
  }

  node(id: string): LoomNode | undefined {
    return this.nodes.get(id);
  }

  private get tip(): string {
    return this.path[this.path.length - 1]!;
  }

  /** Candidates under the tip: new nodes, a new decision (or more for the open one), new rows under the tip's spine row. */
  addCandidates(op: Extract<LoomOp, { op: "addCandidates" }>): boolean {
    if (op.parentNodeId !== this.tip) return false;
    let known = this.decisions.get(op.decisionId);
    if (known && (known.decision.action !== null || known.decision.parentNodeId !== this.tip)) return false;
    if (!known) {
      known = { decision: newOpenDecision(op.decisionId, this.tip, op.timestamp), step: this.path.length, fresh: true };
      this.decisions.set(op.decisionId, known);
      this.stats.decisions++;
    }
    // The tip's spine row is the last one; rows after it are its children, each folded.
    const tipRow = this.rows.findLastIndex((r) => r.level === 0);
    if (tipRow < 0 || this.rows[tipRow]!.id !== this.tip) return false;
    const last = this.rows.at(-1)!;
    if (this.rows.length - 1 > tipRow) last.last = false;
    if (op.nodes.some((n) => this.nodes.has(n.id))) return false;
    op.nodes.forEach((n, i) => {
      this.nodes.set(n.id, { ...n });
      known.decision.candidateNodeIds.push(n.id);
      this.stats.nodes++;
      if (n.origin === "generated") this.stats.generatedTokens += nodeTokenCount(n);
      this.rows.push({
        id: n.id,
        parentId: this.tip,
        depth: this.path.length,
        level: 1,
        last: i === op.nodes.length - 1,
        onCurrentPath: false,
        tip: false,
        hiddenDescendants: 0,
        text: n.text,
        stepLogprob: n.stepLogprob,
        chosenBy: n.chosenBy,
      });
    });
    return true;
  }

  resolve(decisionId: string, at: string, r: Resolution): boolean {
    const known = this.decisions.get(decisionId);
    if (!known || known.decision.action !== null) return false;
    const d = known.decision;
    if (r.action === "clarify") {
      if (!r.candidatesInTension.every((id) => d.candidateNodeIds.includes(id))) return false;
      d.action = "clarify";
      d.chosenBy = r.chosenBy;
      d.clarificationQuestion = r.question;
      d.candidatesInTension = [...r.candidatesInTension];
      d.whatHingesOnIt = r.whatHingesOnIt;
      d.resolvedAt = at;
      d.briefVersion = this.from.briefVersion;
      d.selectorView = r.view ?? null;
      this.stats.resolvedDecisions++;
      this.stats.clarifications++;
      return true;
    }
    this.stats.resolvedDecisions++;
    return this.final(d, at, r);
  }

  answer(decisionId: string, at: string, humanResponse: string, r: FinalResolution): boolean {
    const known = this.decisions.get(decisionId);
    if (!known || known.decision.action !== "clarify" || known.decision.humanResponse !== null) return false;
    known.decision.humanResponse = humanResponse;
    return this.final(known.decision, at, r);
  }

  private final(d: DecisionEvent, at: string, r: FinalResolution): boolean {
    if (r.action === "stop") {
      d.action = "stop";
      d.chosenNodeId = null;
      d.chosenBy = r.chosenBy;
      d.reason = r.reason;
      d.resolvedAt = at;
      d.briefVersion = this.from.briefVersion;
      d.selectorView = r.view ?? null;
      return true;
    }
    const candidates = d.candidateNodeIds.map((id) => this.nodes.get(id));
    const chosen = this.nodes.get(r.chosenNodeId);
    if (!chosen || !d.candidateNodeIds.includes(chosen.id) || candidates.some((c) => c === undefined)) return false;
    if (!Object.keys(r.candidateScores).every((id) => d.candidateNodeIds.includes(id))) return false;
    // Only a choice that extends the path at the tip: the tree around the tip then moves down one step.
    if (chosen.parentId !== this.tip) return false;
    recordChoice(d, r, chosen, maxStepLogprob(candidates), at, this.from.briefVersion);
    if (d.logprobGap !== null) {
      this.gaps.count++;
      this.gaps.sum += d.logprobGap;
    }
    return this.extend(chosen);
  }

  /** The path grows by `chosen`, a child of the tip: its row becomes the new tip's spine row and the window moves down. */
  private extend(chosen: LoomNode): boolean {
    const tipRow = this.rows.findLastIndex((r) => r.level === 0);
    const at = this.rows.findIndex((r, i) => i > tipRow && r.id === chosen.id);
    if (tipRow < 0 || at < 0 || this.rows[at]!.hiddenDescendants !== 0) return false;
    const row = this.rows.splice(at, 1)[0]!;
    this.rows[tipRow]!.tip = false;
    if (this.rows.length - 1 > tipRow) this.rows.at(-1)!.last = true;
    this.rows.push({ ...row, level: 0, last: true, onCurrentPath: true, tip: true, chosenBy: chosen.chosenBy });
    this.path.push(chosen.id);
    this.segments.push(chosen.text.length);
    if (this.text !== null) this.text += chosen.text;
    this.stats.depth++;
    this.stats.textChars += chosen.text.length;
    this.stats.currentPathTokens += nodeTokenCount(chosen);
    const start = Math.max(0, this.path.length - 1 - this.from.digest.tree.around);
    if (start > this.pathAbove) {
      const from = this.rows.findIndex((r) => r.level === 0 && r.depth === start);
      if (from < 0) return false;
      this.rows.splice(0, from);
      this.pathAbove = start;
    }
    return true;
  }

  apply(op: LoomOp): boolean {
    switch (op.op) {
      case "addCandidates":
        return this.addCandidates(op);
      case "resolve":
        return this.resolve(op.decisionId, op.at, op.resolution);
      case "answerClarification":
        return this.answer(op.decisionId, op.at, op.humanResponse, op.resolution);
      case "checkout":
        // Checking out the tip itself changes nothing (a writer's no-op); anywhere else moves the whole window.
        return op.nodeId === this.tip;
      default:
        return false;
    }
  }

  /** The latest resolved decisions: the stored rows with those changed since, in resolution order. */
  decisionRows(): DecisionRow[] {
    const limit = this.from.digest.decisions.limit;
    const changed = new Set(this.decisions.keys());
    const rows: DecisionRow[] = this.from.digest.decisions.rows.filter((r) => !changed.has(r.decision.id));
    // A decision the snapshot held (the open one) comes before those the journal opened, as in the loom.
    for (const { decision, step } of this.decisions.values()) {
      if (decision.action === null) continue;
      const chosen = decision.chosenNodeId === null ? null : (this.nodes.get(decision.chosenNodeId)?.text ?? null);
      rows.push({ decision, step, chosenText: chosen });
    }
    // Stable, as lastDecisions' sort: ties stay in the loom's order.
    rows.sort((a, b) => {
      const aw = when(a.decision);
      const bw = when(b.decision);
      return aw < bw ? -1 : aw > bw ? 1 : 0;
    });
    return rows.slice(-limit);
  }
}

/**
 * `from` with `ops` applied (in journal order): the digest, path, segments and text a whole read of the
 * session would give. Null when an op is not one a run makes at the tip, or the stored digest lacks what
 * the op changes (a digest without its gap totals, from an older build): the caller then reads whole.
 */
export function advanceDigest(from: PathDigest, ops: readonly LoomOp[]): PathDigest | null {
  const d = from.digest;
  if (d.tree.mode !== "around" || d.tree.tip !== from.path.at(-1) || d.tree.pathLength !== from.path.length)
    return null;
  if (ops.length === 0) return from;
  if (!d.gaps) return null;
  const a = new Advance(from, d.gaps);
  for (const op of ops) if (!a.apply(op)) return null;
  a.stats.meanLogprobGap = a.gaps.count ? a.gaps.sum / a.gaps.count : null;
  const tip = a.path[a.path.length - 1]!;
  // The open (or clarifying) decision at the new tip, as a snapshot would hold it.
  let open: PathDigest["open"] = null;
  for (const { decision } of a.decisions.values()) {
    if (decision.parentNodeId === tip && (decision.action === null || decision.action === "clarify")) {
      open = { decision, candidates: decision.candidateNodeIds.map((id) => a.node(id)!) };
    }
  }
  return {
    digest: {
      version: d.version,
      stats: a.stats,
      gaps: a.gaps,
      decisions: { limit: d.decisions.limit, rows: a.decisionRows() },
      tree: {
        mode: "around",
        pathLength: a.path.length,
        tip,
        pathAbove: a.pathAbove,
        around: d.tree.around,
        rows: a.rows,
      },
    },
    path: a.path,
    segments: a.segments,
    text: a.text,
    briefVersion: from.briefVersion,
    open,
  };
}
