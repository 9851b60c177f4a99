// The Brief schema: the creative brief a selector reads (and a briefed prompt draws on).
import { z } from "zod";

export const BriefSchema = z.object({
  title: z.string().default(""),
  domain: z.string().default(""),
  voice: z.string().default(""),
  register: z.string().default(""),
  lengthHint: z.string().default(""),
  leanInto: z.array(z.string()).default([]),
  avoid: z.array(z.string()).default([]),
  notes: z.string().default(""),
  fewshotExamples: z.string().default(""),
  sectionIntent: z.string().default(""),
  roughDraft: z.string().default(""),
});
export type Brief = z.infer<typeof BriefSchema>;
export type BriefInput = z.input<typeof BriefSchema>;

export const emptyBrief = (): Brief => BriefSchema.parse({});
