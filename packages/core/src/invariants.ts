// The loom's structural invariants, checked in one linear pass; returns every violation found.
import type { DecisionEvent } from "./decision-event.js";
import type { Loom } from "./loom.js";
import type { LoomNode } from "./node.js";

export interface InvariantViolation {
  /** Where in the loom, as a JSON-ish path (e.g. `currentPath[3]`, `nodes.n_1.parentId`). */
  field: string;
  message: string;
}

function checkPath(loom: Loom, path: readonly string[], field: string, out: InvariantViolation[]): void {
  if (path.length === 0) {
    out.push({ field, message: "is empty" });
    return;
  }
  if (path[0] !== loom.rootId) out.push({ field: `${field}[0]`, message: `must be the root "${loom.rootId}"` });
  for (let i = 1; i < path.length; i++) {
    const node = loom.nodes[path[i]!];
    if (!node) out.push({ field: `${field}[${i}]`, message: `names unknown node "${path[i]}"` });
    else if (node.parentId !== path[i - 1]) {
      out.push({ field: `${field}[${i}]`, message: `"${path[i]}" is not a child of "${path[i - 1]}" — not a path` });
    }
  }
}

/**
 * Every violation in `loom`, or none. Most looms are sound, so a cheap pass that can only say "certainly
 * sound" runs first; the full pass below, which words each problem, runs only when it is unsure.
 */
export function findInvariantViolations(loom: Loom): InvariantViolation[] {
  return invariantsHold(loom) ? [] : collectInvariantViolations(loom);
}

/**
 * True only when `loom` certainly has no violation that {@link findInvariantViolations} would report;
 * false means "not sure", never "broken". It demands more than the rules (nodes stored parents first,
 * candidates distinct and naming their decision), which every loom grown by ops satisfies, and in
 * exchange needs few hash lookups, where the full pass is dominated by them on large looms
 * (measurements: bench/MEASUREMENTS.md).
 */
export function invariantsHold(loom: Loom): boolean {
  const decisions = decisionsHold(loom);
  if (decisions === null) return false;
  const { nodes, rootId } = loom;
  // Holds only the nodes seen so far, so a hit on a parent means it was stored before its child. A Map
  // rather than `nodes[...]`: it hashes a lookup string once instead of interning it in V8's string table.
  const before = new Map<string, LoomNode>();
  const runs = new CandidateRuns(decisions.find, loom.movedFrom);
  let prevParent: string | null = null;
  for (const key in nodes) {
    const node = nodes[key]!;
    if (node.id !== key) return false;
    const parentId = node.parentId;
    // Root first and every parent before its children: each parent chain runs back to the root, no cycle.
    if (before.size === 0) {
      if (key !== rootId || parentId !== null) return false;
    } else if (parentId === null || (parentId !== prevParent && !before.has(parentId))) {
      return false;
    }
    prevParent = parentId;
    if (!runs.fits(node)) return false;
    const replacesId = node.replacesId;
    if (replacesId !== null && !before.has(replacesId) && !Object.hasOwn(nodes, replacesId)) return false;
    before.set(key, node);
  }
  if (before.size === 0) return false;
  return runs.listed(decisions.listed) && restHolds(loom, decisions.childless, (id) => before.get(id));
}

/**
 * What a reader that stored a loom's nodes itself (a snapshot reader) knows of them: it saw every node go in,
 * so the loom's nodes need not be enumerated (at a million nodes, enumerating them and keeping the Map of
 * those seen took 2.3 of a full open's CPU-seconds).
 */
export interface StoredNodes {
  /** The object these facts are about: they are ignored for any loom whose `nodes` is another. */
  of: Record<string, LoomNode>;
  /** Every node in `of`, once each, in the order stored, each stored under its own id. */
  order: readonly LoomNode[];
  /** Every node after the first named a parent, and one already stored when it was (checked as they were stored). */
  parentsFirst: boolean;
  /**
   * Every decision in `of`, once each, in the order stored, each stored under its own id, when the reader stored
   * the decisions too: then they need not be enumerated either (a 125,000-key object's keys are collected and
   * sorted by V8 for a for-in, and were kept in a Map).
   */
  decisions?: { of: Record<string, DecisionEvent>; order: readonly DecisionEvent[] };
}

/** {@link invariantsHold} for a loom whose nodes a reader stored itself (see StoredNodes): the same answer, without a pass over the nodes object. */
export function storedInvariantsHold(loom: Loom, stored: StoredNodes): boolean {
  const { nodes, rootId } = loom;
  if (stored.of !== nodes || !stored.parentsFirst) return invariantsHold(loom);
  const order = stored.order;
  const root = order[0];
  if (root === undefined || root.id !== rootId || root.parentId !== null) return false;
  const decisions = decisionsHold(loom, stored.decisions);
  if (decisions === null) return false;
  const runs = new CandidateRuns(decisions.find, loom.movedFrom);
  for (let i = 0; i < order.length; i++) {
    const node = order[i]!;
    if (!runs.fits(node)) return false;
    if (node.replacesId !== null && !Object.hasOwn(nodes, node.replacesId)) return false;
  }
  return (
    runs.listed(decisions.listed) &&
    // One lookup: every node is stored under its own id, which nothing inherited has.
    restHolds(loom, decisions.childless, (id) => {
      const node = nodes[id];
      return node !== undefined && node.id === id ? node : undefined;
    })
  );
}

type FindDecision = (id: string) => DecisionEvent | undefined;

/**
 * A lookup of the decisions by id, how many candidates they list and those listing none; null when one is
 * certainly off. From `stored` (StoredNodes.decisions) when it is about the loom's decisions object.
 */
function decisionsHold(
  loom: Loom,
  stored?: StoredNodes["decisions"],
): { find: FindDecision; listed: number; childless: DecisionEvent[] } | null {
  const { decisions } = loom;
  let listed = 0;
  const childless: DecisionEvent[] = [];
  const sound = (d: DecisionEvent): boolean => {
    const candidates = d.candidateNodeIds;
    const chosen = d.chosenNodeId;
    if (d.action === "choose" ? chosen === null || !candidates.includes(chosen) : chosen !== null) return false;
    if (candidates.length === 0) childless.push(d);
    listed += candidates.length;
    return true;
  };
  if (stored !== undefined && stored.of === decisions) {
    const order = stored.order;
    for (let i = 0; i < order.length; i++) if (!sound(order[i]!)) return null;
    // Runs of candidates are asked for in the order their decisions were stored, as a rule: the next one
    // in that order is tried before the decisions object (a lookup that misses the caches at this size).
    let next = 0;
    const find = (id: string) => {
      const d = order[next];
      if (d !== undefined && d.id === id) {
        next++;
        return d;
      }
      return Object.hasOwn(decisions, id) ? decisions[id] : undefined;
    };
    return { find, listed, childless };
  }
  const byId = new Map<string, DecisionEvent>();
  for (const key in decisions) {
    const d = decisions[key]!;
    if (d.id !== key || !sound(d)) return null;
    byId.set(key, d);
  }
  return { find: (id) => byId.get(id), listed, childless };
}

/**
 * Checks, node by node in storage order, that each node naming a decision is in that decision's list under
 * that decision's parent. Candidates are stored in runs, in their decision's order, under one parent:
 * comparing with the previous node settles most of them without a lookup.
 */
class CandidateRuns {
  private decision: DecisionEvent | undefined = undefined;
  private at = -1;
  private withDecision = 0;

  constructor(
    private readonly find: FindDecision,
    private readonly movedFrom: Record<string, string>,
  ) {}

  fits(node: LoomNode): boolean {
    const decisionId = node.decisionId;
    if (decisionId === null) return true;
    this.withDecision++;
    let decision = this.decision;
    if (decision === undefined || decision.id !== decisionId || decision.candidateNodeIds[this.at + 1] !== node.id) {
      decision = this.decision = this.find(decisionId);
      if (decision === undefined) return false;
      this.at = decision.candidateNodeIds.indexOf(node.id);
      if (this.at < 0) return false;
    } else {
      this.at++;
    }
    return node.parentId === decision.parentNodeId || this.movedFrom[node.id] === decision.parentNodeId;
  }

  /**
   * Each node naming a decision is in that decision's list, so the lists hold at least those nodes; equal
   * totals leave no room for anything else in them — no repeats, no unknown ids, no node under another
   * parent or decision — without looking each candidate up. A count alone would not do: [a, a] adds up
   * like [a, b] while leaving b unlisted.
   */
  listed(total: number): boolean {
    return total === this.withDecision;
  }
}

/** The checks after the nodes pass, with `find` giving a stored node by id. */
function restHolds(
  loom: Loom,
  childless: readonly DecisionEvent[],
  find: (id: string) => LoomNode | undefined,
): boolean {
  // A decision with candidates has its parent checked through them (in the nodes pass).
  for (const d of childless) if (find(d.parentNodeId) === undefined) return false;
  if (!pathHolds(find, loom.rootId, loom.currentPath)) return false;
  for (const id of loom.pruned) if (find(id) === undefined) return false;
  for (const id of loom.bookmarks) if (find(id) === undefined) return false;
  for (const id in loom.tags) if (find(id) === undefined) return false;
  for (const id in loom.movedFrom) if (find(id) === undefined) return false;
  for (const p of loom.heldPaths) if (!pathHolds(find, loom.rootId, p)) return false;
  return true;
}

function pathHolds(find: (id: string) => LoomNode | undefined, rootId: string, path: readonly string[]): boolean {
  if (path.length === 0 || path[0] !== rootId) return false;
  for (let i = 1; i < path.length; i++) if (find(path[i]!)?.parentId !== path[i - 1]) return false;
  return true;
}

/** The full pass: every violation, worded. Exported for the tests that hold the fast pass to it. */
export function collectInvariantViolations(loom: Loom): InvariantViolation[] {
  const out: InvariantViolation[] = [];
  const nodes = loom.nodes;
  const root = nodes[loom.rootId];
  if (!root) out.push({ field: "rootId", message: `names unknown node "${loom.rootId}"` });
  else if (root.parentId !== null)
    out.push({ field: `nodes.${loom.rootId}.parentId`, message: "the root must have no parent" });

  // Only runs when invariantsHold is unsure, so it favours plain wording over speed.
  for (const key in nodes) {
    const node = nodes[key]!;
    const parentId = node.parentId;
    if (node.id !== key)
      out.push({ field: `nodes.${key}.id`, message: `is "${node.id}", but the node is stored under "${key}"` });
    if (key !== loom.rootId && parentId === null)
      out.push({ field: `nodes.${key}.parentId`, message: "only the root may have no parent" });
    if (parentId !== null && !nodes[parentId]) {
      out.push({ field: `nodes.${key}.parentId`, message: `names unknown node "${parentId}" (dangling parent)` });
    }
    if (node.decisionId !== null) {
      const d = loom.decisions[node.decisionId];
      if (!d) out.push({ field: `nodes.${key}.decisionId`, message: `names unknown decision "${node.decisionId}"` });
      else if (!d.candidateNodeIds.includes(key))
        out.push({ field: `nodes.${key}.decisionId`, message: `decision "${d.id}" does not list this node` });
    }
    if (node.replacesId !== null && !nodes[node.replacesId]) {
      out.push({ field: `nodes.${key}.replacesId`, message: `names unknown node "${node.replacesId}"` });
    }
  }

  // Reachability: every parent chain must end at the root without a cycle. Memoised, so linear overall.
  const GOOD = 2;
  const BAD = 3;
  const state = new Map<string, number>(); // 1 = on the current walk
  if (root) state.set(loom.rootId, GOOD);
  for (const start in nodes) {
    if (state.has(start)) continue;
    const walk: string[] = [];
    let id: string | null = start;
    let verdict = BAD;
    let problem: string | null = "is not reachable from the root";
    while (id !== null) {
      const s = state.get(id);
      if (s === GOOD) {
        verdict = GOOD;
        break;
      }
      if (s === BAD) {
        problem = null; // already reported through the node that leads here
        break;
      }
      if (s === 1) {
        problem = `is not reachable from the root: its parent chain has a cycle through "${id}"`;
        break;
      }
      state.set(id, 1);
      walk.push(id);
      id = nodes[id]?.parentId ?? null;
    }
    for (const w of walk) state.set(w, verdict);
    if (verdict === BAD && problem) out.push({ field: `nodes.${start}`, message: problem });
  }

  for (const key in loom.decisions) {
    const d = loom.decisions[key]!;
    const f = `decisions.${key}`;
    if (d.id !== key)
      out.push({ field: `${f}.id`, message: `is "${d.id}", but the decision is stored under "${key}"` });
    if (!nodes[d.parentNodeId])
      out.push({ field: `${f}.parentNodeId`, message: `names unknown node "${d.parentNodeId}"` });
    const candidates = d.candidateNodeIds;
    const seen = new Set<string>();
    for (let i = 0; i < candidates.length; i++) {
      const id = candidates[i]!;
      const c = nodes[id];
      if (seen.has(id)) out.push({ field: `${f}.candidateNodeIds[${i}]`, message: `lists "${id}" a second time` });
      seen.add(id);
      if (!c) out.push({ field: `${f}.candidateNodeIds[${i}]`, message: `names unknown node "${id}"` });
      else if (c.parentId !== d.parentNodeId && loom.movedFrom[id] !== d.parentNodeId)
        out.push({ field: `${f}.candidateNodeIds[${i}]`, message: `"${id}" is not a child of "${d.parentNodeId}"` });
    }
    if (d.action === "choose") {
      if (d.chosenNodeId === null)
        out.push({ field: `${f}.chosenNodeId`, message: "is required when action is choose" });
      else if (!candidates.includes(d.chosenNodeId))
        out.push({ field: `${f}.chosenNodeId`, message: `"${d.chosenNodeId}" is not one of the candidates` });
    } else if (d.chosenNodeId !== null) {
      out.push({ field: `${f}.chosenNodeId`, message: `must be null when action is ${d.action ?? "open"}` });
    }
  }

  const marks: [string, readonly string[]][] = [
    ["pruned", loom.pruned],
    ["bookmarks", loom.bookmarks],
    ["tags", Object.keys(loom.tags)],
    ["movedFrom", Object.keys(loom.movedFrom)],
  ];
  for (const [field, ids] of marks)
    for (const id of ids) if (!nodes[id]) out.push({ field, message: `names unknown node "${id}"` });
  checkPath(loom, loom.currentPath, "currentPath", out);
  loom.heldPaths.forEach((p, i) => checkPath(loom, p, `heldPaths[${i}]`, out));
  return out;
}

/** Throws an Error listing every violation; use after loading untrusted data. */
export function assertInvariants(loom: Loom): void {
  const v = findInvariantViolations(loom);
  if (v.length) throw new Error(`loom invariants violated:\n${v.map((x) => `  ${x.field}: ${x.message}`).join("\n")}`);
}
