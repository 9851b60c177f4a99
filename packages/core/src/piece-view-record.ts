// The decision's record of what its LLM selector was shown of the piece (DecisionEvent `selectorView`), apart from the rule that makes the cut (piece-view.ts) so the decision schema does not depend on the loom's.
import { z } from "zod";

/** Tokens of selector-model text, estimated at four characters a token (the selector's tokenizer is not ours). */
export const estimateTextTokens = (chars: number): number => Math.ceil(chars / 4);

const Span = z.object({ chars: z.number().int().min(0), tokens: z.number().int().min(0) });

/** The decision's record of what its selector was shown (DecisionEvent `selectorView`). */
export const PieceViewRecordSchema = z.object({
  /** "whole": all of the text; "cut": the opening, the middle's summary or an elided-middle marker, the recent passage. */
  shown: z.enum(["whole", "cut"]),
  budgetTokens: z.number().int().min(1),
  total: Span,
  /** The start of the piece (with "whole": the whole piece). */
  opening: Span,
  /** The LLM-made summary of the middle shown, if there was one for this path. */
  summary: Span.extend({
    version: z.number().int().min(1),
    /** The summary covers the text from the opening through this node. */
    throughNodeId: z.string(),
    /** The summary was longer than its share of the budget and was cut. */
    cut: z.boolean(),
  }).nullable(),
  /** Middle text neither shown nor covered by a summary (an elided-middle marker with these counts stood in for it). */
  elided: Span.nullable(),
  recent: Span,
});
export type PieceViewRecord = z.infer<typeof PieceViewRecordSchema>;
