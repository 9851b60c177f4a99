// The brief as the head of a preference pair's prompt: its filled fields, one labelled line or block each, in the schema's order.
import type { Brief } from "@loom/core";

const LINES: [keyof Brief, string][] = [
  ["title", "Title"],
  ["domain", "Domain"],
  ["voice", "Voice"],
  ["register", "Register"],
  ["lengthHint", "Length"],
  ["leanInto", "Lean into"],
  ["avoid", "Avoid"],
  ["sectionIntent", "Section intent"],
  ["notes", "Notes"],
];

/**
 * "Brief:" and the brief's filled fields ("Lean into: a; b"), or "" for an empty brief. Few-shot examples and the
 * rough draft are left out: they are texture for the generator, and would dwarf the text the pair is about.
 */
export function briefPrompt(brief: Brief): string {
  const lines: string[] = [];
  for (const [field, label] of LINES) {
    const value = brief[field];
    const text = Array.isArray(value) ? value.join("; ") : value.trim();
    if (text) lines.push(`${label}: ${text}`);
  }
  return lines.length ? `Brief:\n${lines.join("\n")}\n\n` : "";
}
