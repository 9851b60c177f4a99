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

/** An earlier version of a session's brief, kept when a change replaced it, so every decision's brief can be read back. */
export const BriefVersionSchema = z.object({
  version: z.number().int().min(1),
  brief: BriefSchema,
  /** When the next version replaced it. */
  replacedAt: z.string(),
});
export type BriefVersion = z.infer<typeof BriefVersionSchema>;

/** The brief's parts a briefed prompt is built from (few-shot texture, section intent, rough draft). */
export const PROMPT_MATERIAL_FIELDS = ["fewshotExamples", "sectionIntent", "roughDraft"] as const;

/** Whether the brief gives a briefed prompt anything to show the generator. */
export function hasPromptMaterial(brief: Brief): boolean {
  return PROMPT_MATERIAL_FIELDS.some((field) => brief[field].trim().length > 0);
}

/** The prompt shape a step uses: the configured one, or under `auto` briefed exactly when the brief has material for it. */
export function effectivePromptMode(configured: "auto" | "raw" | "briefed", brief: Brief): "raw" | "briefed" {
  if (configured !== "auto") return configured;
  return hasPromptMaterial(brief) ? "briefed" : "raw";
}

/** The names of the fields whose values differ between two briefs, in schema order. */
export function changedBriefFields(current: Brief, next: Brief): (keyof Brief)[] {
  return (Object.keys(BriefSchema.shape) as (keyof Brief)[]).filter(
    (k) => JSON.stringify(current[k]) !== JSON.stringify(next[k]),
  );
}
