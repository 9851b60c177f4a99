// What the generator is asked for at a step: the prompt (raw or briefed) and the sampling the session is configured with.
import type { GenerateRequest, Loom, PromptParts } from "@loom/core";
import { effectivePromptMode } from "@loom/core/internal";

export interface RequestOverrides {
  n?: number;
  maxTokens?: number;
  signal?: AbortSignal;
  /** Length of the path the prompt ends with, when it is not the current path (a look-ahead below another node). */
  pathLength?: number;
}

/**
 * `text`: what the prompt ends with (the piece, with memory and author's note placed: see prompt-context.ts).
 * `existing`: candidates already in the open decision (a reroll), so a seeded request differs from the last.
 */
export function generationRequest(
  loom: Loom,
  text: string,
  existing: number,
  options: RequestOverrides,
): GenerateRequest {
  const g = loom.config.generator;
  const prompt: string | PromptParts =
    effectivePromptMode(g.promptMode, loom.brief) === "briefed"
      ? {
          mode: "briefed",
          text,
          ...(loom.brief.fewshotExamples ? { fewshotExamples: loom.brief.fewshotExamples } : {}),
          ...(loom.brief.sectionIntent ? { sectionIntent: loom.brief.sectionIntent } : {}),
          ...(loom.brief.roughDraft ? { roughDraft: loom.brief.roughDraft } : {}),
        }
      : text;
  return {
    prompt,
    n: options.n ?? g.branchingFactor,
    maxTokens: options.maxTokens ?? g.segmentTokens,
    temperature: g.temperature,
    topP: g.topP,
    ...(g.logprobs > 0 ? { logprobs: g.logprobs } : {}),
    // A fixed seed would give the same candidates at every step; vary it by position and reroll.
    ...(g.seed !== null ? { seed: g.seed + (options.pathLength ?? loom.currentPath.length) * 7919 + existing } : {}),
    ...(g.stop.length > 0 ? { stop: [...g.stop] } : {}),
    ...(g.topK !== null ? { topK: g.topK } : {}),
    ...(g.minP !== null ? { minP: g.minP } : {}),
    ...(Object.keys(g.logitBias).length > 0 ? { logitBias: { ...g.logitBias } } : {}),
    ...(Object.keys(g.extraBody).length > 0 ? { extraBody: structuredClone(g.extraBody) } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
}

/** One signal that aborts when any of the given ones does. */
export function anySignal(signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const list = signals.filter((s): s is AbortSignal => !!s);
  if (list.length <= 1) return list[0];
  return AbortSignal.any(list);
}
