// The undo record's schema: what one undoable change touched, as it was before (or after, for redo).
import { z } from "zod";
import { DecisionEventSchema } from "./decision-event.js";
import { NodeSchema } from "./node.js";

/**
 * The parts of a loom one change touched, as they were: nodes and decisions by id (null: did not exist), and
 * the small loom-wide state whole. Restoring an image puts exactly these back; everything else stays.
 */
export const TreeImageSchema = z.object({
  nodes: z.record(z.string(), NodeSchema.nullable()),
  decisions: z.record(z.string(), DecisionEventSchema.nullable()),
  /** The tip of the current path (the path is the tip's root path). */
  tip: z.string(),
  heldPaths: z.array(z.array(z.string())),
  pruned: z.array(z.string()),
  bookmarks: z.array(z.string()),
  tags: z.record(z.string(), z.array(z.string())),
  movedFrom: z.record(z.string(), z.string()),
});
export type TreeImage = z.infer<typeof TreeImageSchema>;

export const UndoEntrySchema = z.object({
  /** The op that made the change ("choose", "splitNode", …), for listing what undo would undo. */
  label: z.string(),
  at: z.string(),
  image: TreeImageSchema,
});
export type UndoEntry = z.infer<typeof UndoEntrySchema>;
