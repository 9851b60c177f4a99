// The LLM-made summary of the piece's middle (what a selector is shown between the opening and the recent passage once the piece outgrows its budget).
import { z } from "zod";

export const PieceSummarySchema = z.object({
  /** 1 for the first summary, one more with each update. */
  version: z.number().int().min(1),
  text: z.string(),
  /** The summary covers the text from the start of the piece's middle through this node (on the path it was made for). */
  throughNodeId: z.string().min(1),
  at: z.string(),
});
export type PieceSummary = z.infer<typeof PieceSummarySchema>;
