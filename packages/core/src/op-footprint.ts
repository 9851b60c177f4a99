// Which node and decision records one applied op touched: what a store rewrites after it (the snapshot encoder's
// cached chunks, the PostgreSQL store's rows), told in one place.
import type { Loom } from "./loom.js";
import type { LoomOp } from "./loom-op-schema.js";
import type { UndoEntry } from "./undo-entry.js";

export interface Footprint {
  nodes: string[];
  decisions: string[];
}

/** The last undo and redo entries before the op: an entry still there after it was not pushed by it. */
export interface HistoryMark {
  undo: UndoEntry | undefined;
  redo: UndoEntry | undefined;
}

export function historyMark(loom: Loom): HistoryMark {
  return { undo: loom.undo[loom.undo.length - 1], redo: loom.redo[loom.redo.length - 1] };
}

/** The records an undo or redo entry names (touched, added or removed by the change it records). */
function imageFootprint(entry: UndoEntry | undefined, before: UndoEntry | undefined | null): Footprint | null {
  if (!entry || entry === before) return null;
  return { nodes: Object.keys(entry.image.nodes), decisions: Object.keys(entry.image.decisions) };
}

/**
 * The node and decision ids `op` may have changed (added, changed or removed), read once it has been applied to
 * `loom`; null when unknown, and the caller then rewrites every record. `before` ({@link historyMark} taken before
 * the op) lets a tree op that pushed no undo entry of its own be told apart; without it the last entry is taken as
 * the op's. Paths, the brief, the config and everything else outside nodes and decisions live in the loom's head,
 * which stores write whole with every commit.
 */
export function opFootprint(op: LoomOp, loom: Loom, before?: HistoryMark): Footprint | null {
  switch (op.op) {
    case "addCandidates":
      return { nodes: op.nodes.map((n) => n.id), decisions: [op.decisionId] };
    case "resolve":
    case "answerClarification":
      return {
        nodes: op.resolution.action === "choose" ? [op.resolution.chosenNodeId] : [],
        decisions: [op.decisionId],
      };
    case "editNode":
      return { nodes: [op.node.id], decisions: [] };
    case "branchAtToken":
      return { nodes: [op.newNodeId], decisions: [op.decisionId] };
    case "checkout":
    case "hold":
    case "release":
    case "switchPath":
    case "setPieceSummary":
    case "setBrief":
    case "configure":
      return { nodes: [], decisions: [] };
    case "splitNode":
    case "mergeNode":
    case "reparent":
    case "prune":
    case "unprune":
    case "bookmark":
    case "tag":
    case "redo":
      // The undo entry this op just pushed names every record it touched.
      return imageFootprint(loom.undo[loom.undo.length - 1], before ? before.undo : null);
    case "undo":
      // What undo put back is named by the entry it moved to redo.
      return imageFootprint(loom.redo[loom.redo.length - 1], before ? before.redo : null);
    default:
      return null;
  }
}
