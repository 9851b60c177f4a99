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
 * `recordsParsed` says every node and decision in them already is what parseNodeFast or parseDecisionFast
 * returned (a snapshot reader that parsed each record as it read it): they are taken as they are, not
 * walked again (a pass that cost seconds at a million nodes).
 */
export function parseLoomFast(input: unknown, options: { recordsParsed?: boolean } = {}): Loom | null {
  if (!isObject(input)) return null;
  const { nodes, decisions } = input;
  if (!isPlainRecord(nodes) || !isPlainRecord(decisions)) return null;
  if (!options.recordsParsed && !parseRecords(nodes, decisions)) return null;
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

/** Replace every node and decision by its fast-parsed record in place; false at the first that is not plainly valid. */
function parseRecords(nodes: Record<string, unknown>, decisions: Record<string, unknown>): boolean {
  let previous: LoomNode | null = null;
  for (const id in nodes) {
    const node = parseNodeFast(nodes[id]);
    if (node === null) return false;
    if (previous !== null) shareSiblingStrings(node, previous);
    nodes[id] = previous = node;
  }
  for (const id in decisions) {
    const decision = parseDecisionFast(decisions[id]);
    if (decision === null) return false;
    decisions[id] = decision;
  }
  return true;
}
