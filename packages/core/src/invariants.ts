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
  const { nodes, decisions, rootId } = loom;
  const decisionById = new Map<string, DecisionEvent>();
  let listed = 0;
  const childless: DecisionEvent[] = [];
  for (const key in decisions) {
    const d = decisions[key]!;
    if (d.id !== key) return false;
    const candidates = d.candidateNodeIds;
    const chosen = d.chosenNodeId;
    if (d.action === "choose" ? chosen === null || !candidates.includes(chosen) : chosen !== null) return false;
    if (candidates.length === 0) childless.push(d);
    listed += candidates.length;
    decisionById.set(key, d);
  }

  // Holds only the nodes seen so far, so a hit on a parent means it was stored before its child. A Map
  // rather than `nodes[...]`: it hashes a lookup string once instead of interning it in V8's string table.
  const before = new Map<string, LoomNode>();
  let withDecision = 0;
  // Candidates are stored in runs, in their decision's order, under one parent: comparing with the
  // previous node settles most of them without a lookup.
  let prevParent: string | null = null;
  let decision: DecisionEvent | undefined;
  let at = -1;
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
    const decisionId = node.decisionId;
    if (decisionId !== null) {
      withDecision++;
      if (decision === undefined || decision.id !== decisionId || decision.candidateNodeIds[at + 1] !== key) {
        decision = decisionById.get(decisionId);
        if (decision === undefined) return false;
        at = decision.candidateNodeIds.indexOf(key);
        if (at < 0) return false;
      } else {
        at++;
      }
      if (parentId !== decision.parentNodeId && loom.movedFrom[key] !== decision.parentNodeId) return false;
    }
    const replacesId = node.replacesId;
    if (replacesId !== null && !before.has(replacesId) && !Object.hasOwn(nodes, replacesId)) return false;
    before.set(key, node);
  }
  if (before.size === 0) return false;
  // Each node naming a decision is in that decision's list, so the lists hold at least those nodes;
  // equal totals leave no room for anything else in them — no repeats, no unknown ids, no node under
  // another parent or decision — without looking each candidate up. A count alone would not do: [a, a]
  // adds up like [a, b] while leaving b unlisted.
  if (listed !== withDecision) return false;
  // A decision with candidates has its parent checked through them (above).
  for (const d of childless) if (!before.has(d.parentNodeId)) return false;

  if (!pathHolds(before, rootId, loom.currentPath)) return false;
  for (const id of loom.pruned) if (!before.has(id)) return false;
  for (const id of loom.bookmarks) if (!before.has(id)) return false;
  for (const id in loom.tags) if (!before.has(id)) return false;
  for (const id in loom.movedFrom) if (!before.has(id)) return false;
  for (const p of loom.heldPaths) if (!pathHolds(before, rootId, p)) return false;
  return true;
}

function pathHolds(byId: Map<string, LoomNode>, rootId: string, path: readonly string[]): boolean {
  if (path.length === 0 || path[0] !== rootId) return false;
  for (let i = 1; i < path.length; i++) if (byId.get(path[i]!)?.parentId !== path[i - 1]) return false;
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
