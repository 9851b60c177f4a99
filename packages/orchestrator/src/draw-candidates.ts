// Candidates for the text ending at any node: the prompt built for that path, each generator of the step asked, usage counted.
import { pathText, type CandidateInput, type GenerateResult, type Generator, type Loom } from "@loom/core";
import type { EventBus } from "./event-bus.js";
import { generationRequest } from "./generation-request.js";
import { OrchestratorError } from "./orchestrator-error.js";
import { pathTokenTail } from "./path-token-tail.js";
import { withPromptContext } from "./prompt-context.js";
import { compactPrompt } from "./prompt-ref.js";
import type { UsageRecorder } from "./usage-recorder.js";

/** A generator of a step and how many candidates it gives (undefined: the request's `n`, the session's branching factor). */
export interface StepSource {
  generator: Generator;
  n?: number;
}

export interface DrawParts {
  loom: Loom;
  sources: readonly StepSource[];
  bus: EventBus;
  usage: UsageRecorder;
}

export interface DrawRequest {
  /** Root … the node the candidates continue. */
  path: readonly string[];
  /** The path's text, when the caller has it cached. */
  text?: string;
  /** Candidates already in the open decision there (a reroll), so a seeded request differs from the last. */
  existing: number;
  /** Candidates from the first source (the session's generator); the others give their own count. */
  n?: number;
  maxTokens?: number;
  signal?: AbortSignal;
}

async function ask(generator: Generator, request: Parameters<Generator["generate"]>[0], parts: DrawParts) {
  try {
    return await generator.generate(request);
  } catch (error) {
    parts.bus.emit({ type: "error", error: error as Error, where: "generator" });
    throw error;
  }
}

/**
 * Every source asked at once with the same prompt; each candidate records the provenance of the generator
 * that made it (provider, model, sampling, the compacted prompt), so a step may hold two models side by side.
 */
export async function drawCandidates(parts: DrawParts, request: DrawRequest): Promise<CandidateInput[]> {
  const { loom } = parts;
  const path = request.path;
  const tip = path[path.length - 1]!;
  const text = request.text ?? pathText(loom, path);
  const context = withPromptContext(loom, text, path);
  const results = await Promise.all(
    parts.sources.map((source, i) => {
      const n = i === 0 ? request.n : source.n;
      const base = generationRequest(loom, context.text, request.existing, {
        ...(n !== undefined ? { n } : {}),
        ...(request.maxTokens !== undefined ? { maxTokens: request.maxTokens } : {}),
        ...(request.signal ? { signal: request.signal } : {}),
        pathLength: path.length,
      });
      // Raw prompts end with the path's text, so an engine can continue from the ids its tokens were made of.
      if (typeof base.prompt === "string") {
        const tail = pathTokenTail(loom, source.generator, undefined, context.tailNodes, path);
        if (tail) base.tail = tail;
      }
      return ask(source.generator, base, parts);
    }),
  );
  const candidates: CandidateInput[] = [];
  results.forEach((result: GenerateResult, i) => {
    const generator = parts.sources[i]!.generator;
    parts.usage.add("generator", {
      provider: generator.provider,
      model: generator.model,
      inputTokens: result.usage.promptTokens,
      outputTokens: result.usage.completionTokens,
      requests: result.usage.requests,
    });
    const anchor = context.anchor;
    const meta: Record<string, unknown> = {
      ...result.meta,
      prompt: anchor ? compactPrompt(result.meta["prompt"], anchor.text, anchor.nodeId) : result.meta["prompt"],
      ...(context.record ? { promptContext: context.record } : {}),
    };
    // A branch ends on a token boundary the writer chose; a generator that continued from the text rather than
    // from the ids may have read that boundary differently (an HTTP provider re-tokenises the whole prompt).
    if (loom.nodes[tip]!.meta["branchedFrom"] !== undefined && result.meta["continuedFromTokenIds"] === undefined)
      meta["retokenized"] = true;
    for (const c of result.candidates)
      candidates.push({
        text: c.text,
        tokens: c.tokens,
        stepLogprob: c.stepLogprob,
        meta: { ...meta, finishReason: c.finishReason },
      });
  });
  if (candidates.length === 0) {
    const names = parts.sources.map((s) => `${s.generator.provider}/${s.generator.model}`).join(", ");
    const error = new OrchestratorError("invalid_state", `generator ${names} returned no candidates`);
    parts.bus.emit({ type: "error", error, where: "generator" });
    throw error;
  }
  return candidates;
}
