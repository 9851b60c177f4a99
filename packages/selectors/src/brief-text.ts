// The brief rendered as prompt text, shared by the stateless and agentic prompts.
import type { Brief } from "@loom/core";
import { DEFAULT_AVOID, DEFAULT_LEAN_INTO } from "./default-criteria.js";

const bullets = (items: readonly string[]) => items.map((s) => `- ${s}`).join("\n");

/** An item's name, for spotting a brief item that repeats a default ("Generic mysticism" is "Generic mysticism: vague…"). */
const nameOf = (item: string) => item.split(/:| \(/)[0]!.trim().toLowerCase();

/** The defaults first, then the brief's own items (one that repeats a default by name is stated once). */
function criteria(defaults: readonly string[], fromBrief: readonly string[]): string {
  const names = new Set(defaults.map(nameOf));
  const own = fromBrief.map((s) => s.trim()).filter((s) => s && !names.has(nameOf(s)));
  return [
    bullets(defaults),
    own.length ? `From this brief:\n${bullets(own)}` : "(this brief adds none of its own)",
  ].join("\n");
}

/** The brief's fields that are set, as labelled lines; then the selection criteria: the design's defaults plus the brief's lists. */
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
  lines.push(`Select FOR (choose toward these):\n${criteria(DEFAULT_LEAN_INTO, brief.leanInto)}`);
  lines.push(`Select AGAINST (choose away from these):\n${criteria(DEFAULT_AVOID, brief.avoid)}`);
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
