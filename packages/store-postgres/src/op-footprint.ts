// Which node and decision records one applied op touched, so a commit writes only those rows.
import type { Loom, LoomOp, UndoEntry } from "@loom/core";

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
function imageFootprint(entry: UndoEntry | undefined, before: UndoEntry | undefined): Footprint | null {
  if (!entry || entry === before) return null;
  return { nodes: Object.keys(entry.image.nodes), decisions: Object.keys(entry.image.decisions) };
}

/**
 * The node and decision ids `op` may have changed, read once it has been applied to `loom`; null when unknown
 * (the caller then rewrites every record), as when a tree op pushed no undo entry of its own. Paths, the summary and everything else outside nodes and decisions
 * are in the loom's head, which is written with every commit.
 */
export function opFootprint(op: LoomOp, loom: Loom, before: HistoryMark): Footprint | null {
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
      return imageFootprint(loom.undo[loom.undo.length - 1], before.undo);
    case "undo":
      // What undo put back is named by the entry it moved to redo.
      return imageFootprint(loom.redo[loom.redo.length - 1], before.redo);
    default:
      return null;
  }
}
