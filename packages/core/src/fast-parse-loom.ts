// LoomSchema.parse with the node and decision records checked by the zod-free fast parsers (the small rest by zod).
import { isObject, isPlainRecord, parseDecisionFast, parseNodeFast, shareSiblingStrings } from "./fast-parse.js";
import { LoomSchema, type Loom } from "./loom.js";
import type { LoomNode } from "./node.js";

const LoomFrameSchema = LoomSchema.omit({ nodes: true, decisions: true });

/**
 * LoomSchema.parse(input) with the node and decision records checked by the fast paths above, or null
 * when anything is not plainly valid (then run LoomSchema for the canonical result or the precise
 * error). The input's `nodes` and `decisions` objects are reused: their values are replaced in place by
 * the parsed records, which leaves them valid input for LoomSchema should a later check fail.
 */
export function parseLoomFast(input: unknown): Loom | null {
  if (!isObject(input)) return null;
  const { nodes, decisions } = input;
  if (!isPlainRecord(nodes) || !isPlainRecord(decisions)) return null;
  let previous: LoomNode | null = null;
  for (const id in nodes) {
    const node = parseNodeFast(nodes[id]);
    if (node === null) return null;
    if (previous !== null) shareSiblingStrings(node, previous);
    nodes[id] = previous = node;
  }
  for (const id in decisions) {
    const decision = parseDecisionFast(decisions[id]);
    if (decision === null) return null;
    decisions[id] = decision;
  }
  // The rest (brief, config, paths) is small: zod checks it as usual.
  const frame = LoomFrameSchema.safeParse({ ...input, nodes: undefined, decisions: undefined });
  if (!frame.success) return null;
  const f = frame.data;
  return {
    version: f.version,
    sessionId: f.sessionId,
    rootId: f.rootId,
    nodes: nodes as Loom["nodes"],
    decisions: decisions as Loom["decisions"],
    currentPath: f.currentPath,
    heldPaths: f.heldPaths,
    brief: f.brief,
    briefVersion: f.briefVersion,
    briefHistory: f.briefHistory,
    config: f.config,
    createdAt: f.createdAt,
    pruned: f.pruned,
    bookmarks: f.bookmarks,
    tags: f.tags,
    movedFrom: f.movedFrom,
    pieceSummary: f.pieceSummary,
    undo: f.undo,
    redo: f.redo,
  };
}
