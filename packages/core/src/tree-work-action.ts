// One dispatch for the writer's tree work: every surface (CLI, HTTP API, page) names an action as a TreeWork value and applyTreeWork turns it into the one journaled op.
import { defaultEnv, type LoomEnv } from "./env.js";
import { LoomError } from "./errors.js";
import type { Loom } from "./loom.js";
import type { LoomOp } from "./loom-op.js";
import {
  bookmarkNode,
  branchAtToken,
  checkout,
  editNode,
  holdPath,
  mergeNode,
  pruneNode,
  redo,
  releasePath,
  reparentNode,
  splitNode,
  switchPath,
  tagNode,
  undo,
  unpruneNode,
} from "./op-builders.js";

/** One piece of tree work on a loom, as the writer asks for it. */
export type TreeWork =
  | { action: "edit"; nodeId: string; text: string }
  | { action: "split"; nodeId: string; offset: number }
  /** Branch inside a candidate at token `tokenIndex`: the model's alternative `alternative` there, or `text`. */
  | { action: "branch"; nodeId: string; tokenIndex: number; alternative?: number; text?: string }
  | { action: "merge"; nodeId: string }
  | { action: "prune"; nodeId: string; restore?: boolean }
  | { action: "move"; nodeId: string; parentId: string }
  | { action: "bookmark"; nodeId: string; on?: boolean }
  | { action: "tag"; nodeId: string; tag: string; on?: boolean }
  | { action: "checkout"; nodeId: string }
  /** Held paths (held-paths.ts): keep the path ending at a node, let one go, or switch to a path holding the one left. */
  | { action: "hold"; nodeId: string }
  | { action: "release"; nodeId: string }
  | { action: "switch"; nodeId: string }
  | { action: "undo" }
  | { action: "redo" };

export type TreeWorkAction = TreeWork["action"];

/** The op that was journaled, and the node an edit, a split or a branch made (null for the rest). */
export interface TreeWorkResult {
  op: LoomOp;
  madeNodeId: string | null;
}

/** Apply one piece of tree work to the loom (checked first: a misfit throws a LoomError and changes nothing). */
export function applyTreeWork(loom: Loom, work: TreeWork, env: LoomEnv = defaultEnv): TreeWorkResult {
  const done = (op: LoomOp): TreeWorkResult => ({ op, madeNodeId: null });
  switch (work.action) {
    case "edit": {
      const r = editNode(loom, work.nodeId, work.text, env);
      return { op: r.op, madeNodeId: r.nodeId };
    }
    case "split": {
      const r = splitNode(loom, work.nodeId, work.offset, env);
      return { op: r.op, madeNodeId: r.nodeId };
    }
    case "branch": {
      if ((work.text === undefined) === (work.alternative === undefined))
        throw new LoomError(
          "invalid_operation",
          "a branch takes either an alternative or a text, not both nor neither",
        );
      const choice = work.text !== undefined ? { text: work.text } : { alternative: work.alternative! };
      const r = branchAtToken(loom, work.nodeId, work.tokenIndex, choice, env);
      return { op: r.op, madeNodeId: r.nodeId };
    }
    case "merge":
      return done(mergeNode(loom, work.nodeId, env));
    case "prune":
      return done(work.restore ? unpruneNode(loom, work.nodeId, env) : pruneNode(loom, work.nodeId, env));
    case "move":
      return done(reparentNode(loom, work.nodeId, work.parentId, env));
    case "bookmark":
      return done(bookmarkNode(loom, work.nodeId, work.on ?? true, env));
    case "tag":
      return done(tagNode(loom, work.nodeId, work.tag, work.on ?? true, env));
    case "checkout":
      return done(checkout(loom, work.nodeId));
    case "hold":
      return done(holdPath(loom, work.nodeId));
    case "release":
      return done(releasePath(loom, work.nodeId));
    case "switch":
      return done(switchPath(loom, work.nodeId, env));
    case "undo":
      return done(undo(loom, env));
    case "redo":
      return done(redo(loom, env));
  }
}
