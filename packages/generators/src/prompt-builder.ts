// Pure prompt building for base models: the raw text so far, or a briefed document that ends in that text.
import type { GenerateRequest, PromptParts } from "@loom/core";

/** The headings of a briefed prompt; override them to match a model's taste or another language. */
export interface BriefedPromptLabels {
  fewshot: string;
  intent: string;
  draft: string;
  /** The continue marker: the heading under which the crafted text so far is continued. */
  continueMarker: string;
}

export const DEFAULT_BRIEFED_LABELS: BriefedPromptLabels = {
  fewshot: "## Passages with the texture this piece aims for",
  intent: "## What this section is about",
  draft: "## A rough draft of this section (it describes what happens, not how it is written)",
  continueMarker: "## The piece (continue from where it stops)",
};

const present = (s: string | undefined): s is string => typeof s === "string" && s.trim().length > 0;

/**
 * Build the exact string a completion model receives.
 *
 * `raw` returns the text unchanged. `briefed` puts the few-shot examples, the section intent and
 * the rough draft (each only when given) above the continue marker and the text so far. The text
 * is always the last thing in the prompt, unchanged, so a base model's continuation joins it
 * seamlessly; that is why the continue marker heads the text rather than trailing it.
 */
export function buildPrompt(parts: PromptParts, labels: BriefedPromptLabels = DEFAULT_BRIEFED_LABELS): string {
  if (parts.mode === "raw") return parts.text;
  const sections: string[] = [];
  if (present(parts.fewshotExamples)) sections.push(`${labels.fewshot}\n\n${parts.fewshotExamples.trim()}`);
  if (present(parts.sectionIntent)) sections.push(`${labels.intent}\n\n${parts.sectionIntent.trim()}`);
  if (present(parts.roughDraft)) sections.push(`${labels.draft}\n\n${parts.roughDraft.trim()}`);
  sections.push(`${labels.continueMarker}\n\n`);
  return sections.join("\n\n") + parts.text;
}

/** The prompt string of a request: given as-is, or built from its parts. */
export function promptOf(request: Pick<GenerateRequest, "prompt">, labels?: BriefedPromptLabels): string {
  return typeof request.prompt === "string" ? request.prompt : buildPrompt(request.prompt, labels);
}

/** The text so far of a request (what chat-based adapters print as the draft). */
export function draftTextOf(request: Pick<GenerateRequest, "prompt">): string {
  return typeof request.prompt === "string" ? request.prompt : request.prompt.text;
}

/** The sampling parameters of a request, as recorded in provenance so the step can be replayed. */
export function samplingOf(request: GenerateRequest): Record<string, unknown> {
  return {
    n: request.n,
    maxTokens: request.maxTokens,
    temperature: request.temperature,
    topP: request.topP,
    logprobs: request.logprobs ?? 0,
    stop: request.stop ?? [],
    seed: request.seed ?? null,
    ...(request.topK !== undefined ? { topK: request.topK } : {}),
    ...(request.minP !== undefined ? { minP: request.minP } : {}),
    ...(request.logitBias && Object.keys(request.logitBias).length > 0 ? { logitBias: request.logitBias } : {}),
    ...(request.extraBody && Object.keys(request.extraBody).length > 0 ? { extraBody: request.extraBody } : {}),
  };
}
