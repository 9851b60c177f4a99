// Model prices a user configures (US$ per million tokens), keyed by "provider:model" or by the model's name alone.
import { z } from "zod";

export const PriceSchema = z
  .object({
    inputPerMTok: z.number().min(0, "a price may not be negative"),
    outputPerMTok: z.number().min(0, "a price may not be negative"),
  })
  .strict();

export const PriceTableSchema = z.record(z.string().min(1, "a price needs a model name"), PriceSchema);

/** Prices in US dollars per million tokens, by "provider:model" (e.g. "openai:davinci-002") or by model name. */
export type PriceTable = z.infer<typeof PriceTableSchema>;
