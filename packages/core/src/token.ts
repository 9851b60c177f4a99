// The Token schema: one generated token with its log-probability and top alternatives, as generators return it.
import { z } from "zod";

export const TopLogprobSchema = z.object({ text: z.string(), logprob: z.number() });
export type TopLogprob = z.infer<typeof TopLogprobSchema>;

export const TokenSchema = z.object({
  text: z.string(),
  id: z.number().int().optional(),
  logprob: z.number().optional(),
  top: z.array(TopLogprobSchema).optional(),
});
export type Token = z.infer<typeof TokenSchema>;
