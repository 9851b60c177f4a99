// One step on a completions-style API: a single request with `n`, or `n` concurrent ones, streamed or not, retried.
import type { GenerateRequest, GeneratedCandidate, GenerationUsage, Token } from "@loom/core";
import type { StepDelta } from "../event-channel.js";
import { sumLogprobs } from "@loom/core/internal";
import { APICallError, GeneratorError, PartialStepError } from "../errors.js";
import { withRetry, type RetryOptions } from "../retry.js";
import { createStopCutter, cutAtStop, tokensWithin } from "./client-stop.js";
import {
  finishReasonOf,
  tokensFromLogprobs,
  type CompletionLogprobs,
  type LogprobsLayout,
  logprobsLayoutOf,
} from "./completion-logprobs.js";
import { fanOut } from "./fan-out.js";
import { fromStreamError, type SdkErrorContext } from "./sdk-error.js";

/** A choice as completions APIs return it, whole or as a streamed chunk. */
export interface CompletionChoiceLike {
  index?: number;
  text?: string | null;
  logprobs?: CompletionLogprobs | null;
  finish_reason?: string | null;
}

export interface CompletionResponseLike {
  choices?: CompletionChoiceLike[] | null;
  usage?: { prompt_tokens?: number | null; completion_tokens?: number | null } | null;
}

/** The per-request part of the body: what differs between a step's requests. */
export interface CompletionCall {
  n: number;
  seed: number | undefined;
}

/** What an adapter supplies: how to call its SDK. The step logic is shared. */
export interface CompletionBackend {
  error: SdkErrorContext;
  nativeN: boolean;
  retry: RetryOptions | undefined;
  maxConcurrency: number;
  /** Alternatives kept per token (what the caller asked for, within the service's limit). */
  topLogprobs: number;
  /** Stops Loom applies to the text itself (the service was not sent them). */
  clientStops: readonly string[];
  create(call: CompletionCall, signal: AbortSignal | undefined): Promise<CompletionResponseLike>;
  createStream(call: CompletionCall, signal: AbortSignal | undefined): Promise<AsyncIterable<CompletionResponseLike>>;
}

/** New text of one candidate (the step's deltas, as streamed). */
export type Delta = StepDelta;

interface Accumulated {
  text: string;
  tokens: Token[] | null;
  finishReason: string | null;
}

export interface CompletionStepResult {
  candidates: GeneratedCandidate[];
  usage: GenerationUsage;
  /** The logprobs layout the server answered in (null: no logprobs came back). */
  logprobsLayout: LogprobsLayout | null;
}

/** Run a step: `n` candidates, all or nothing. `onDelta` (streaming) receives text as it arrives, by candidate index. */
export async function runCompletionStep(
  backend: CompletionBackend,
  request: GenerateRequest,
  onDelta?: (d: Delta) => void,
): Promise<CompletionStepResult> {
  if (!Number.isInteger(request.n) || request.n < 1) {
    throw new GeneratorError(
      "invalid_request",
      `${backend.error.provider}: n must be a positive integer, got ${request.n}`,
    );
  }
  const usage: GenerationUsage = { promptTokens: 0, completionTokens: 0, requests: 0 };
  const seen: { layout: LogprobsLayout | null } = { layout: null };
  const seedFor = (offset: number) => (request.seed === undefined ? undefined : request.seed + offset);
  const once = (call: CompletionCall, offset: number, signal: AbortSignal | undefined) =>
    requestOnce(
      backend,
      call,
      signal,
      usage,
      seen,
      onDelta && ((d) => onDelta({ index: offset + d.index, text: d.text })),
    );

  let choices: Accumulated[];
  if (backend.nativeN) {
    choices = [];
    // Some servers return fewer choices than asked; top up rather than store a short step.
    for (let round = 0; round < 3 && choices.length < request.n; round++) {
      const offset = choices.length;
      choices.push(
        ...(await once({ n: request.n - offset, seed: seedFor(offset) }, offset, request.signal)).slice(
          0,
          request.n - offset,
        ),
      );
    }
    if (choices.length < request.n) {
      throw new PartialStepError(
        `${backend.error.provider}: asked for ${request.n} candidates, the server returned ${choices.length}`,
        [],
      );
    }
  } else {
    // Each request gets its own seed, or every candidate of a seeded step would be the same.
    const each = await fanOut(
      request.n,
      backend.maxConcurrency,
      (i, signal) => once({ n: 1, seed: seedFor(i) }, i, signal),
      request.signal,
    );
    choices = each.map((c, i) => {
      const first = c[0];
      if (!first) throw new PartialStepError(`${backend.error.provider}: request ${i + 1} returned no choice`, []);
      return first;
    });
  }
  return { candidates: choices.map((c) => toCandidate(c, backend.clientStops)), usage, logprobsLayout: seen.layout };
}

async function requestOnce(
  backend: CompletionBackend,
  call: CompletionCall,
  signal: AbortSignal | undefined,
  usage: GenerationUsage,
  seen: { layout: LogprobsLayout | null },
  onDelta: ((d: Delta) => void) | undefined,
): Promise<Accumulated[]> {
  const merge = (acc: Accumulated, choice: CompletionChoiceLike) => {
    seen.layout ??= logprobsLayoutOf(choice.logprobs);
    mergeChoice(acc, choice, backend.topLogprobs);
  };
  return withRetry(
    async () => {
      usage.requests++;
      let emitted = false;
      try {
        if (!onDelta) {
          const response = await backend.create(call, signal);
          addUsage(usage, response);
          return collect(response.choices ?? [], backend, merge);
        }
        const choices: Accumulated[] = [];
        const cutters: ReturnType<typeof createStopCutter>[] = [];
        const show = (index: number, text: string) => {
          if (!text) return;
          emitted = true;
          onDelta({ index, text });
        };
        for await (const chunk of await backend.createStream(call, signal)) {
          addUsage(usage, chunk);
          for (const choice of chunk.choices ?? []) {
            const index = choice.index ?? 0;
            const acc = (choices[index] ??= { text: "", tokens: null, finishReason: null });
            merge(acc, choice);
            if (choice.text) show(index, (cutters[index] ??= createStopCutter(backend.clientStops)).push(choice.text));
          }
        }
        cutters.forEach((c, index) => show(index, c.flush()));
        const streamed = choices.filter((c): c is Accumulated => c !== undefined);
        if (streamed.length === 0)
          throw new APICallError({
            provider: backend.error.provider,
            url: backend.error.baseURL,
            isRetryable: false,
            message: `${backend.error.provider}: the stream ended without any choice`,
          });
        return streamed;
      } catch (error) {
        throw fromStreamError(error, backend.error, signal, emitted);
      }
    },
    backend.retry,
    signal,
  );
}

function collect(
  choices: CompletionChoiceLike[],
  backend: CompletionBackend,
  merge: (acc: Accumulated, c: CompletionChoiceLike) => void,
): Accumulated[] {
  const noChoice = (what: string) =>
    new APICallError({
      provider: backend.error.provider,
      url: backend.error.baseURL,
      isRetryable: false,
      message: `${backend.error.provider}: ${what}`,
    });
  if (choices.length === 0) throw noChoice("the response has no choices");
  return [...choices]
    .sort((a, b) => (a.index ?? 0) - (b.index ?? 0))
    .map((c, i) => {
      if (typeof c.text !== "string") throw noChoice(`choice ${i} of the response has no text`);
      const acc: Accumulated = { text: "", tokens: null, finishReason: null };
      merge(acc, c);
      return acc;
    });
}

function mergeChoice(acc: Accumulated, choice: CompletionChoiceLike, topN: number): void {
  acc.text += choice.text ?? "";
  if (choice.finish_reason) acc.finishReason = choice.finish_reason;
  const tokens = tokensFromLogprobs(choice.logprobs, topN);
  if (tokens) (acc.tokens ??= []).push(...tokens);
}

function addUsage(usage: GenerationUsage, response: CompletionResponseLike): void {
  usage.promptTokens += response.usage?.prompt_tokens ?? 0;
  usage.completionTokens += response.usage?.completion_tokens ?? 0;
}

function toCandidate(acc: Accumulated, clientStops: readonly string[]): GeneratedCandidate {
  const cut = cutAtStop(acc.text, clientStops);
  const tokens = cut.stopped ? tokensWithin(acc.tokens, cut.text.length) : acc.tokens;
  return {
    text: cut.text,
    tokens,
    stepLogprob: sumLogprobs(tokens),
    finishReason: cut.stopped ? "stop" : finishReasonOf(acc.finishReason),
  };
}
