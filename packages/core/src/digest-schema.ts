// The stored digest's schema: how a digest read back from a snapshot is checked (zod; the reading commands' fast path is fast-parse-digest.ts).
import { z } from "zod";
import { DecisionEventSchema } from "./decision-event.js";
import { DIGEST_VERSION } from "./digest.js";
import { ChosenBySchema } from "./node.js";

const count = z.number().int().min(0);

const TreeRowSchema = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  depth: count,
  level: count,
  last: z.boolean(),
  onCurrentPath: z.boolean(),
  tip: z.boolean(),
  hiddenDescendants: count,
  text: z.string(),
  stepLogprob: z.number().nullable(),
  chosenBy: ChosenBySchema.nullable(),
});

/** A stored digest as read back: checked field by field, so one written by another build is recognised as such. */
export const LoomDigestSchema = z.object({
  version: z.literal(DIGEST_VERSION),
  stats: z.object({
    nodes: count,
    decisions: count,
    resolvedDecisions: count,
    clarifications: count,
    depth: count,
    meanLogprobGap: z.number().nullable(),
    generatedTokens: count,
    currentPathTokens: count,
    textChars: count,
  }),
  gaps: z.object({ count, sum: z.number() }).optional(),
  decisions: z.object({
    limit: count,
    rows: z.array(z.object({ decision: DecisionEventSchema, step: count, chosenText: z.string().nullable() })),
  }),
  tree: z.object({
    mode: z.literal("around"),
    pathLength: count,
    tip: z.string(),
    pathAbove: count,
    around: count,
    rows: z.array(TreeRowSchema),
  }),
});
