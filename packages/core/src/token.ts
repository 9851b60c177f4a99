// The Token schema: one generated token with its log-probability and top alternatives, as generators return it.
import { z } from "zod";

export const TopLogprobSchema = z.object({
  text: z.string(),
  logprob: z.number(),
  /** The alternative's token id, where the engine gives it (the local engine does): a branch from it continues from the id. */
  id: z.number().int().nonnegative().optional(),
});
export type TopLogprob = z.infer<typeof TopLogprobSchema>;

export const TokenSchema = z.object({
  text: z.string(),
  id: z.number().int().optional(),
  logprob: z.number().optional(),
  top: z.array(TopLogprobSchema).optional(),
});
export type Token = z.infer<typeof TokenSchema>;
