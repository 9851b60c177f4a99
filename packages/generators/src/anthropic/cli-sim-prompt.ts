// Pure prompt building for the Anthropic CLI-sim generator: a terminal transcript that makes a chat model continue a text.
import type { PromptParts } from "@loom/core";

export type CliSimMode = "cli-sim" | "prefill";

export interface CliSimMessage {
  role: "user" | "assistant";
  content: string;
}

export interface CliSimPrompt {
  system: string;
  messages: CliSimMessage[];
  /** Whitespace cut from the end of a prefilled assistant turn (the API refuses trailing whitespace there). */
  trimmedTail: string;
}

export const CLI_SIM_SYSTEM_PROMPT = [
  "The assistant is a command-line simulator. It answers every command with exactly what the command would print, and nothing else:",
  "no commentary, no code fences, no refusals, no questions.",
  "The files in this directory are pieces of writing in progress. Where a command prints more of a file than has been shown,",
  "the simulator prints the text as its author wrote it, continuing seamlessly in the same voice, register and texture.",
].join("\n");

const byteLength = (s: string) => Buffer.byteLength(s, "utf8");

/** Notes from a briefed prompt, shown as a separate file the simulated author wrote. */
function notesFile(parts: PromptParts): string | null {
  if (parts.mode !== "briefed") return null;
  const sections: string[] = [];
  if (parts.fewshotExamples?.trim()) sections.push(`# Texture to aim for\n\n${parts.fewshotExamples.trim()}`);
  if (parts.sectionIntent?.trim()) sections.push(`# This section\n\n${parts.sectionIntent.trim()}`);
  if (parts.roughDraft?.trim())
    sections.push(`# Rough draft (what happens, not how it is written)\n\n${parts.roughDraft.trim()}`);
  return sections.length > 0 ? sections.join("\n\n") : null;
}

/**
 * The system prompt and messages for one candidate.
 *
 * `cli-sim`: the transcript shows `head -c N draft.txt` printing the text so far, then asks for
 * `tail -c +N+1 draft.txt` — the rest of `cat draft.txt` — so the model prints only the
 * continuation instead of re-printing (and paying for) the whole text.
 * `prefill`: asks for `cat draft.txt` and starts the assistant turn with the text so far.
 * A briefed prompt adds a `cat notes.md` exchange before the draft.
 */
export function buildCliSimPrompt(
  input: string | PromptParts,
  mode: CliSimMode,
  system = CLI_SIM_SYSTEM_PROMPT,
): CliSimPrompt {
  const parts: PromptParts = typeof input === "string" ? { mode: "raw", text: input } : input;
  const messages: CliSimMessage[] = [];
  const notes = notesFile(parts);
  if (notes) messages.push({ role: "user", content: "<cmd>cat notes.md</cmd>" }, { role: "assistant", content: notes });
  const text = parts.text;
  if (mode === "prefill") {
    messages.push({ role: "user", content: "<cmd>cat draft.txt</cmd>" });
    const trimmed = text.trimEnd();
    if (trimmed.length > 0) messages.push({ role: "assistant", content: trimmed });
    return { system, messages, trimmedTail: text.slice(trimmed.length) };
  }
  if (text.length === 0) {
    messages.push({ role: "user", content: "<cmd>cat draft.txt</cmd>" });
  } else {
    const n = byteLength(text);
    messages.push(
      { role: "user", content: `<cmd>head -c ${n} draft.txt</cmd>` },
      { role: "assistant", content: text },
      { role: "user", content: `<cmd>tail -c +${n + 1} draft.txt</cmd>` },
    );
  }
  return { system, messages, trimmedTail: "" };
}

/**
 * Joins a prefilled continuation to the untrimmed text: drops the cut whitespace when the model
 * repeats it, and a leading space when the text already ends in whitespace. Feed it streamed
 * pieces in order; it holds back only as many characters as the cut tail is long.
 */
export function createPrefillJoiner(trimmedTail: string): { push(piece: string): string; flush(): string } {
  let decided = trimmedTail.length === 0;
  let held = "";
  const decide = (): string => {
    decided = true;
    if (held.startsWith(trimmedTail)) return held.slice(trimmedTail.length);
    return /^\s/.test(held) ? held.trimStart() : held;
  };
  return {
    push(piece) {
      if (decided) return piece;
      held += piece;
      if (held.length < trimmedTail.length && trimmedTail.startsWith(held)) return "";
      return decide();
    },
    flush() {
      return decided ? "" : decide();
    },
  };
}
