// The loom's structural invariants, checked in one linear pass; returns every violation found.
import type { Loom } from "./loom.js";

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

export function findInvariantViolations(loom: Loom): InvariantViolation[] {
  const out: InvariantViolation[] = [];
  const root = loom.nodes[loom.rootId];
  if (!root) out.push({ field: "rootId", message: `names unknown node "${loom.rootId}"` });
  else if (root.parentId !== null) out.push({ field: `nodes.${loom.rootId}.parentId`, message: "the root must have no parent" });

  for (const [key, node] of Object.entries(loom.nodes)) {
    if (node.id !== key) out.push({ field: `nodes.${key}.id`, message: `is "${node.id}", but the node is stored under "${key}"` });
    if (key !== loom.rootId && node.parentId === null) out.push({ field: `nodes.${key}.parentId`, message: "only the root may have no parent" });
    if (node.parentId !== null && !loom.nodes[node.parentId]) {
      out.push({ field: `nodes.${key}.parentId`, message: `names unknown node "${node.parentId}" (dangling parent)` });
    }
    if (node.decisionId !== null) {
      const d = loom.decisions[node.decisionId];
      if (!d) out.push({ field: `nodes.${key}.decisionId`, message: `names unknown decision "${node.decisionId}"` });
      else if (!d.candidateNodeIds.includes(key)) out.push({ field: `nodes.${key}.decisionId`, message: `decision "${d.id}" does not list this node` });
    }
    if (node.replacesId !== null && !loom.nodes[node.replacesId]) {
      out.push({ field: `nodes.${key}.replacesId`, message: `names unknown node "${node.replacesId}"` });
    }
  }

  // Reachability: every parent chain must end at the root without a cycle. Memoised, so linear overall.
  const GOOD = 2;
  const BAD = 3;
  const state = new Map<string, number>(); // 1 = on the current walk
  if (root) state.set(loom.rootId, GOOD);
  for (const start of Object.keys(loom.nodes)) {
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
      id = loom.nodes[id]?.parentId ?? null;
    }
    for (const w of walk) state.set(w, verdict);
    if (verdict === BAD && problem) out.push({ field: `nodes.${start}`, message: problem });
  }

  for (const [key, d] of Object.entries(loom.decisions)) {
    const f = `decisions.${key}`;
    if (d.id !== key) out.push({ field: `${f}.id`, message: `is "${d.id}", but the decision is stored under "${key}"` });
    if (!loom.nodes[d.parentNodeId]) out.push({ field: `${f}.parentNodeId`, message: `names unknown node "${d.parentNodeId}"` });
    d.candidateNodeIds.forEach((id, i) => {
      const c = loom.nodes[id];
      if (!c) out.push({ field: `${f}.candidateNodeIds[${i}]`, message: `names unknown node "${id}"` });
      else if (c.parentId !== d.parentNodeId) out.push({ field: `${f}.candidateNodeIds[${i}]`, message: `"${id}" is not a child of "${d.parentNodeId}"` });
    });
    if (d.action === "choose") {
      if (d.chosenNodeId === null) out.push({ field: `${f}.chosenNodeId`, message: "is required when action is choose" });
      else if (!d.candidateNodeIds.includes(d.chosenNodeId)) out.push({ field: `${f}.chosenNodeId`, message: `"${d.chosenNodeId}" is not one of the candidates` });
    } else if (d.chosenNodeId !== null) {
      out.push({ field: `${f}.chosenNodeId`, message: `must be null when action is ${d.action ?? "open"}` });
    }
  }

  checkPath(loom, loom.currentPath, "currentPath", out);
  loom.heldPaths.forEach((p, i) => checkPath(loom, p, `heldPaths[${i}]`, out));
  return out;
}

/** Throws an Error listing every violation; use after loading untrusted data. */
export function assertInvariants(loom: Loom): void {
  const v = findInvariantViolations(loom);
  if (v.length) throw new Error(`loom invariants violated:\n${v.map((x) => `  ${x.field}: ${x.message}`).join("\n")}`);
}
