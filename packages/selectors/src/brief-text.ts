// The brief rendered as prompt text, shared by the stateless and agentic prompts.
import type { Brief } from "@loom/core";

const bullets = (items: readonly string[]) => items.map((s) => `- ${s}`).join("\n");

/** The brief's fields that are set, as labelled lines; lean-into and avoid as explicit criteria. */
export function briefText(brief: Brief): string {
  const lines: string[] = [];
  const field = (label: string, value: string) => {
    if (value.trim()) lines.push(`${label}: ${value.trim()}`);
  };
  field("Title", brief.title);
  field("Domain", brief.domain);
  field("Voice", brief.voice);
  field("Register", brief.register);
  field("Length", brief.lengthHint);
  field("Section intent", brief.sectionIntent);
  if (brief.notes.trim()) lines.push(`Notes:\n${brief.notes.trim()}`);
  lines.push(`Lean into (choose toward these):\n${brief.leanInto.length ? bullets(brief.leanInto) : "- (none given)"}`);
  lines.push(`Avoid (choose away from these):\n${brief.avoid.length ? bullets(brief.avoid) : "- (none given)"}`);
  return lines.join("\n");
}

/** How to read a candidate, and what logprobs do and do not mean. Stated to every LLM selector. */
export const READING_GUIDE = [
  "Read every candidate at four scopes before deciding:",
  "1. the candidate itself: its words, images and rhythm;",
  "2. the last sentence or two: how it joins what comes right before it;",
  "3. the recent paragraph: whether it keeps the paragraph's movement going;",
  "4. the whole piece: whether it serves the brief and where the piece is heading.",
  "A lower logprob is not a worse candidate. The logprob says how expected a continuation is to the base model,",
  "not how good it is; the surprising option is often the alive one. Judge by the brief, not by the number.",
].join("\n");
