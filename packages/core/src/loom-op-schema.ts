// Loom operations as data: the op schema, what the journal stores and applyOp (loom-op.ts) applies.
import { z } from "zod";
import { BriefSchema } from "./brief.js";
import { PieceViewRecordSchema } from "./piece-view-record.js";
import { ChosenBySchema, NodeSchema, ScoresSchema } from "./node.js";
import { SessionConfigSchema } from "./session-config.js";

export const ChooseResolutionSchema = z.object({
  action: z.literal("choose"),
  chosenNodeId: z.string(),
  chosenBy: ChosenBySchema,
  reason: z.string(),
  ranking: z.array(z.string()).nullable().default(null),
  candidateScores: z.record(z.string(), ScoresSchema).default({}),
  /** What the selector was shown of the piece (LLM selectors; see piece-view.ts). */
  view: PieceViewRecordSchema.optional(),
});
const StopResolutionSchema = z.object({
  action: z.literal("stop"),
  chosenBy: ChosenBySchema,
  reason: z.string(),
  view: PieceViewRecordSchema.optional(),
});
const ClarifyResolutionSchema = z.object({
  action: z.literal("clarify"),
  chosenBy: ChosenBySchema,
  question: z.string(),
  candidatesInTension: z.array(z.string()),
  whatHingesOnIt: z.string(),
  view: PieceViewRecordSchema.optional(),
});
export const ResolutionSchema = z.discriminatedUnion("action", [
  ChooseResolutionSchema,
  ClarifyResolutionSchema,
  StopResolutionSchema,
]);
export type Resolution = z.infer<typeof ResolutionSchema>;
export type ResolutionInput = z.input<typeof ResolutionSchema>;
export const FinalResolutionSchema = z.discriminatedUnion("action", [ChooseResolutionSchema, StopResolutionSchema]);
export type FinalResolution = z.infer<typeof FinalResolutionSchema>;

export const LoomOpSchema = z.discriminatedUnion("op", [
  /** Add nodes under a parent as candidates of a decision: opens it, or adds to it while it is open. */
  z.object({
    op: z.literal("addCandidates"),
    decisionId: z.string(),
    parentNodeId: z.string(),
    timestamp: z.string(),
    nodes: z.array(NodeSchema).min(1),
  }),
  z.object({ op: z.literal("resolve"), decisionId: z.string(), at: z.string(), resolution: ResolutionSchema }),
  z.object({
    op: z.literal("answerClarification"),
    decisionId: z.string(),
    at: z.string(),
    humanResponse: z.string(),
    resolution: FinalResolutionSchema,
  }),
  z.object({ op: z.literal("checkout"), nodeId: z.string() }),
  z.object({ op: z.literal("hold"), tipId: z.string() }),
  z.object({ op: z.literal("release"), tipId: z.string() }),
  /** Check out another path and keep the one left as a held path (a held path switched to stops being held). */
  z.object({ op: z.literal("switchPath"), tipId: z.string(), at: z.string() }),
  /** A new sibling carrying edited text; the original node is left as it was. */
  z.object({ op: z.literal("editNode"), node: NodeSchema }),
  /** The brief replaced by a new version; the old one moves to `briefHistory`. Decisions resolved later record the new version. */
  z.object({ op: z.literal("setBrief"), at: z.string(), brief: BriefSchema }),
  /** The summary of the piece's middle replaced by a new version (it covers through `throughNodeId`). */
  z.object({ op: z.literal("setPieceSummary"), at: z.string(), text: z.string(), throughNodeId: z.string() }),
  /** The session's settings replaced (a budget raised, a model changed): journaled, so a crash cannot undo it. */
  z.object({ op: z.literal("configure"), config: SessionConfigSchema }),
  /** A node split at a character offset: it keeps the text before, a new child `newNodeId` the text after. */
  z.object({
    op: z.literal("splitNode"),
    nodeId: z.string(),
    offset: z.number().int(),
    newNodeId: z.string().min(1),
    at: z.string(),
  }),
  /**
   * A sibling of `nodeId` made of its tokens before `tokenIndex` and then either the alternative the model
   * listed there (`alternative`, an index into that token's `top`) or text the writer typed (`text`): a new
   * decision `decisionId` under the same parent offers it, the human chooses it, and it becomes the tip.
   */
  z.object({
    op: z.literal("branchAtToken"),
    nodeId: z.string(),
    tokenIndex: z.number().int().nonnegative(),
    alternative: z.number().int().nonnegative().nullable().default(null),
    text: z.string().nullable().default(null),
    newNodeId: z.string().min(1),
    decisionId: z.string().min(1),
    at: z.string(),
  }),
  /** A node merged with its single child (one made by a split or an edit). */
  z.object({ op: z.literal("mergeNode"), nodeId: z.string(), at: z.string() }),
  /** A subtree hidden from views and exports; the record keeps it. */
  z.object({ op: z.literal("prune"), nodeId: z.string(), at: z.string() }),
  /** A pruned subtree shown again. */
  z.object({ op: z.literal("unprune"), nodeId: z.string(), at: z.string() }),
  /** A subtree moved under another node. */
  z.object({ op: z.literal("reparent"), nodeId: z.string(), parentId: z.string(), at: z.string() }),
  z.object({ op: z.literal("bookmark"), nodeId: z.string(), on: z.boolean(), at: z.string() }),
  z.object({ op: z.literal("tag"), nodeId: z.string(), tag: z.string().min(1), on: z.boolean(), at: z.string() }),
  /** The latest undoable change taken back (see tree-history.ts); `redo` puts it back. */
  z.object({ op: z.literal("undo"), at: z.string() }),
  z.object({ op: z.literal("redo"), at: z.string() }),
]);
export type LoomOp = z.infer<typeof LoomOpSchema>;
