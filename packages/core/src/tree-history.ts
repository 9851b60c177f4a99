// Undo and redo: before an undoable op, the parts it will touch are kept as an image; undo puts the image back and keeps the present for redo.
import type { DecisionEvent } from "./decision-event.js";
import { LoomError } from "./errors.js";
import type { Loom } from "./loom.js";
import { childrenOf, invalidateIndex } from "./loom-index.js";
import type { LoomOp } from "./loom-op-schema.js";
import type { LoomNode } from "./node.js";
import { rootPath } from "./text.js";
import { splitTouches, mergeChild } from "./tree-ops.js";
import type { TreeImage, UndoEntry } from "./undo-entry.js";

/** How many changes undo reaches back (each entry holds only what its change touched). */
export const UNDO_DEPTH = 200;

/** The nodes and decisions an op will change (before it runs), or null when the op is not undone by `undo`. */
export function undoScope(loom: Loom, op: LoomOp): { nodes: string[]; decisions: string[] } | null {
  switch (op.op) {
    case "resolve":
      // The writer's own choices and stops; a selector's run is not the writer's to undo step by step.
      if (op.resolution.action === "clarify" || op.resolution.chosenBy !== "human") return null;
      return {
        nodes: op.resolution.action === "choose" ? [op.resolution.chosenNodeId] : [],
        decisions: [op.decisionId],
      };
    case "addCandidates":
      // Written text (a human node) is undoable; generated candidates are paid for and stay.
      if (!op.nodes.every((n) => n.origin === "human")) return null;
      return { nodes: op.nodes.map((n) => n.id), decisions: [op.decisionId] };
    case "editNode":
      return { nodes: [op.node.id], decisions: [] };
    case "branchAtToken":
      return { nodes: [op.newNodeId], decisions: [op.decisionId] };
    case "splitNode": {
      const t = splitTouches(loom, op.nodeId);
      return { nodes: [...t.nodes, op.newNodeId], decisions: t.decisions };
    }
    case "mergeNode": {
      const child = mergeChild(loom, op.nodeId);
      const t = splitTouches(loom, child.id);
      return { nodes: [op.nodeId, ...t.nodes], decisions: t.decisions };
    }
    case "reparent":
      return { nodes: [op.nodeId], decisions: [] };
    case "checkout":
    case "switchPath":
    case "prune":
    case "unprune":
    case "bookmark":
    case "tag":
      return { nodes: [], decisions: [] };
    default:
      return null;
  }
}

/** Whether an op leaves redo possible (it does not change the tree: a new change empties redo). */
export function keepsRedo(op: LoomOp): boolean {
  return (
    op.op === "hold" ||
    op.op === "release" ||
    op.op === "configure" ||
    op.op === "setBrief" ||
    op.op === "setPieceSummary"
  );
}

const copyNode = (n: LoomNode | undefined): LoomNode | null => (n ? { ...n, scores: { ...n.scores } } : null);
const copyDecision = (d: DecisionEvent | undefined): DecisionEvent | null =>
  d
    ? {
        ...d,
        candidateNodeIds: [...d.candidateNodeIds],
        ranking: d.ranking ? [...d.ranking] : null,
        candidatesInTension: d.candidatesInTension ? [...d.candidatesInTension] : null,
      }
    : null;

/** The present state of what an image (or a scope) names. */
export function captureImage(loom: Loom, scope: { nodes: Iterable<string>; decisions: Iterable<string> }): TreeImage {
  const nodes: TreeImage["nodes"] = {};
  for (const id of scope.nodes) nodes[id] = copyNode(loom.nodes[id]);
  const decisions: TreeImage["decisions"] = {};
  for (const id of scope.decisions) decisions[id] = copyDecision(loom.decisions[id]);
  return {
    nodes,
    decisions,
    tip: loom.currentPath[loom.currentPath.length - 1]!,
    heldPaths: loom.heldPaths.map((p) => [...p]),
    pruned: [...loom.pruned],
    bookmarks: [...loom.bookmarks],
    tags: Object.fromEntries(Object.entries(loom.tags).map(([k, v]) => [k, [...v]])),
    movedFrom: { ...loom.movedFrom },
  };
}

/** Keep `image` (taken before `op` ran) as the latest undo entry. A write's choice joins the write's entry. */
export function recordUndo(loom: Loom, op: LoomOp, image: TreeImage, at: string): void {
  const last = loom.undo[loom.undo.length - 1];
  const joinsWrite =
    op.op === "resolve" &&
    op.resolution.action === "choose" &&
    last?.label === "write" &&
    last.image.nodes[op.resolution.chosenNodeId] === null;
  if (joinsWrite) {
    // The entry already holds the earlier state of everything both ops touched.
    for (const [id, n] of Object.entries(image.nodes)) if (!(id in last.image.nodes)) last.image.nodes[id] = n;
    for (const [id, d] of Object.entries(image.decisions))
      if (!(id in last.image.decisions)) last.image.decisions[id] = d;
  } else {
    const label = op.op === "addCandidates" ? "write" : op.op === "resolve" ? op.resolution.action : op.op;
    loom.undo = [...loom.undo.slice(-(UNDO_DEPTH - 1)), { label, at, image }];
  }
  if (loom.redo.length) loom.redo = [];
}

/**
 * Check that putting `image` back leaves a whole tree: nothing removed that later changes built on (children
 * added under a node the image removes, candidates added to a decision it rewinds). Throws LoomError saying what.
 */
function checkRestorable(loom: Loom, image: TreeImage): void {
  const named = new Set(Object.keys(image.nodes));
  for (const [id, before] of Object.entries(image.nodes)) {
    const now = loom.nodes[id];
    if (before !== null || !now) continue;
    for (const child of childrenOf(loom, id)) {
      if (!named.has(child)) {
        throw new LoomError(
          "cannot_undo",
          `cannot undo: node "${id}" would be removed, but "${child}" was added under it since (prune it instead)`,
        );
      }
    }
    if (now.decisionId !== null && !(now.decisionId in image.decisions)) {
      throw new LoomError("cannot_undo", `cannot undo: node "${id}" is a candidate of decision "${now.decisionId}"`);
    }
  }
  for (const [id, before] of Object.entries(image.decisions)) {
    const now = loom.decisions[id];
    if (!now) continue;
    const kept = new Set(before?.candidateNodeIds ?? []);
    for (const c of now.candidateNodeIds) {
      if (!kept.has(c) && image.nodes[c] !== null) {
        throw new LoomError("cannot_undo", `cannot undo: candidate "${c}" was added to decision "${id}" since`);
      }
    }
  }
  for (const [id, before] of Object.entries(image.nodes)) {
    if (before?.parentId && !loom.nodes[before.parentId] && image.nodes[before.parentId] == null) {
      throw new LoomError("cannot_undo", `cannot undo: the parent "${before.parentId}" of "${id}" is gone`);
    }
  }
  const tipGone = image.nodes[image.tip] === null || (!loom.nodes[image.tip] && !image.nodes[image.tip]);
  if (tipGone) throw new LoomError("cannot_undo", `cannot undo: the tip it would return to ("${image.tip}") is gone`);
}

function restoreImage(loom: Loom, image: TreeImage): void {
  for (const [id, n] of Object.entries(image.nodes)) {
    if (n === null) delete loom.nodes[id];
    else loom.nodes[id] = { ...n, scores: { ...n.scores } };
  }
  for (const [id, d] of Object.entries(image.decisions)) {
    if (d === null) delete loom.decisions[id];
    else loom.decisions[id] = copyDecision(d)!;
  }
  const exists = (id: string) => id in loom.nodes;
  loom.pruned = image.pruned.filter(exists);
  loom.bookmarks = image.bookmarks.filter(exists);
  loom.tags = Object.fromEntries(Object.entries(image.tags).filter(([id]) => exists(id)));
  loom.movedFrom = Object.fromEntries(Object.entries(image.movedFrom).filter(([id]) => exists(id)));
  invalidateIndex(loom);
  loom.currentPath = rootPath(loom, image.tip);
  loom.heldPaths = image.heldPaths.filter((p) => p.every(exists)).map((p) => rootPath(loom, p[p.length - 1]!));
}

function scopeOf(image: TreeImage) {
  return { nodes: Object.keys(image.nodes), decisions: Object.keys(image.decisions) };
}

/** Undo the latest undoable change; what it replaced goes on the redo stack. */
export function applyUndo(loom: Loom): void {
  const entry = loom.undo[loom.undo.length - 1];
  if (!entry) throw new LoomError("nothing_to_undo", "there is nothing to undo");
  step(loom, entry, "undo");
}

/** Redo the latest undone change. */
export function applyRedo(loom: Loom): void {
  const entry = loom.redo[loom.redo.length - 1];
  if (!entry) throw new LoomError("nothing_to_redo", "there is nothing to redo");
  step(loom, entry, "redo");
}

function step(loom: Loom, entry: UndoEntry, direction: "undo" | "redo"): void {
  checkRestorable(loom, entry.image);
  const present: UndoEntry = { label: entry.label, at: entry.at, image: captureImage(loom, scopeOf(entry.image)) };
  restoreImage(loom, entry.image);
  if (direction === "undo") {
    loom.undo = loom.undo.slice(0, -1);
    loom.redo = [...loom.redo, present];
  } else {
    loom.redo = loom.redo.slice(0, -1);
    loom.undo = [...loom.undo, present];
  }
}
