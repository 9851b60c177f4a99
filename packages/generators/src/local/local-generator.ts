// The local GGUF engine: n candidates per step as parallel sequences of one context, with true per-token logprobs.
import type {
  FinishReason,
  GenerateRequest,
  GenerateResult,
  GeneratedCandidate,
  GeneratorCapabilities,
  PromptTail,
  Token,
} from "@loom/core";
import { seededRandom, serialQueue } from "@loom/core/internal";
import type { LlamaContextSequence, LlamaModel, Token as LlamaToken, TokenMeterState } from "node-llama-cpp";
import { throwIfAborted } from "../abort.js";
import { GenerationAbortedError, GeneratorError, isAbortError } from "../errors.js";
import type { StepDelta } from "../event-channel.js";
import { promptOf } from "../prompt-builder.js";
import { refuseUnsupportedSampling } from "../sampling-controls.js";
import { StepGenerator } from "../step-generator.js";
import { stepMeta } from "../step-meta.js";
import { cutTokens } from "../token-cut.js";
import { disposeLocalModel, loadLocalModel, type LoadedLocalModel, type LocalModelOptions } from "./local-model.js";
import { type Lockstep, lockstep } from "./lockstep.js";
import { windowStart } from "./prompt-window.js";
import { chooseToken, filtersActive, type ReadoutFilters } from "./token-readout.js";

export interface LocalGeneratorOptions extends LocalModelOptions {
  /** Name recorded in provenance. Default: the model file's name. */
  model?: string;
  /** Keep the evaluated prefix between steps (default true). `false` re-evaluates the whole prompt every step. */
  prefixReuse?: boolean;
  /** Of a text too long for the context, the share of the context kept when the window moves (default 0.5). */
  keepFraction?: number;
  /** Source of a step's seed when the request has none (default Math.random). */
  random?: () => number;
  /**
   * A candidate's sequence that lacks part of the prompt takes a copy of the main sequence's state (default true)
   * instead of evaluating the missing tokens itself. node-llama-cpp has no public way to copy one sequence's state
   * into another; the copy is its internal `_copyStateFromOtherSequence` (3.22, which the peer range pins). With
   * `false`, or a node-llama-cpp without it, each sequence evaluates what it lacks: the same candidates, at the
   * price of evaluating new prompt tokens once per sequence. A sequence that already holds the whole prompt (the
   * same prompt again) neither copies nor evaluates it.
   */
  copyState?: boolean;
}

/** What `Token.logprob` means for this engine, recorded in every step's provenance. */
export const LOCAL_LOGPROB_MEANING =
  "natural log of the token's probability under the model's unfiltered next-token distribution (softmax at temperature 1, no top-k/top-p/min-p), whatever temperature and topP the step sampled with";

type Sequence = LlamaContextSequence & {
  /** Internal to node-llama-cpp 3.22 (used by its own LlamaDecisionContext): KV-cache copy between sequences. */
  _copyStateFromOtherSequence?: (other: LlamaContextSequence, upToTokenIndex: number) => Promise<boolean>;
};

type Delta = StepDelta;

/** What `LocalGenerator.load()` loaded. */
export interface LocalEngineInfo {
  contextSize: number;
  threads: number;
  /** The GPU backend in use, or false on the CPU. */
  gpu: string | false;
  /** llama.cpp's flash attention: on, off, or left to llama.cpp ("auto"). */
  flashAttention: boolean | "auto";
}

/**
 * Runs a GGUF model in-process with node-llama-cpp.
 *
 * Each candidate of a step has its own sequence of one context. A sequence keeps what it holds
 * between steps: for the same prompt again it drops only its last candidate's tokens; one that
 * lacks new prompt tokens takes them from a main sequence, which evaluates them once and is copied
 * (see `copyState`). node-llama-cpp's token meters count what a step decoded
 * (`meta.promptWindow.evaluatedTokens`). The candidates then sample in lockstep (see `lockstep`),
 * so the context decodes all of them as one batch per token. llama.cpp samples from the unfiltered
 * distribution and hands back, per token, only its sample, the head of the logits and their total
 * weight (see chooseToken): what JavaScript reads per token does not grow with the vocabulary, and
 * `logprob` keeps one meaning (`LOCAL_LOGPROB_MEANING`) whatever the temperature and topP.
 * A text longer than the context keeps its tail (see `windowStart`); provenance records where the
 * window starts.
 */
export class LocalGenerator extends StepGenerator {
  readonly provider = "local";
  readonly model: string;
  readonly capabilities: GeneratorCapabilities = {
    logprobs: true,
    nativeN: true,
    streaming: true,
    seed: true,
    // Applied to the draw in chooseToken (the biased tokens read by id); logprobs stay unfiltered.
    samplingControls: ["topK", "minP", "logitBias"],
  };
  private readonly options: LocalGeneratorOptions;
  private loading: Promise<LoadedLocalModel> | null = null;
  /** Steps share the main sequence, so they run one at a time. */
  private readonly exclusive = serialQueue();
  private previousStart = 0;
  private copyWorks = true;

  constructor(options: LocalGeneratorOptions) {
    super();
    this.options = options;
    this.model = options.model ?? options.modelPath.split(/[\\/]/).pop() ?? options.modelPath;
  }

  /** Load the model now rather than on the first step; says what was loaded (node-llama-cpp's own types stay inside). */
  async load(): Promise<LocalEngineInfo> {
    const loaded = await this.loaded();
    return {
      contextSize: loaded.contextSize,
      threads: loaded.threads,
      gpu: loaded.llama.gpu,
      flashAttention: loaded.context.flashAttention,
    };
  }

  private loaded(): Promise<LoadedLocalModel> {
    this.loading ??= loadLocalModel(this.options).catch((error: unknown) => {
      this.loading = null;
      throw error;
    });
    return this.loading;
  }

  /** The model's token ids for `text` (no BOS), e.g. to measure or cut a text in tokens. */
  async tokenize(text: string): Promise<number[]> {
    return [...(await this.loaded()).model.tokenize(text)];
  }

  async detokenize(tokens: readonly number[]): Promise<string> {
    return (await this.loaded()).model.detokenize(tokens as LlamaToken[]);
  }

  /** Steps share the main sequence: each waits for the one before it. */
  protected step(request: GenerateRequest, onDelta: (d: Delta) => void = () => {}): Promise<GenerateResult> {
    return this.exclusive(() => this.stepAlone(request, onDelta));
  }

  async close(): Promise<void> {
    const loading = this.loading;
    this.loading = null;
    await this.exclusive(async () => {});
    if (loading) await disposeLocalModel(await loading);
  }

  private async stepAlone(request: GenerateRequest, onDelta: (d: Delta) => void): Promise<GenerateResult> {
    validate(request);
    refuseUnsupportedSampling(this, request);
    throwIfAborted(request.signal);
    const loaded = await this.loaded();
    const { model, main, workers, contextSize } = loaded;
    const prompt = promptOf(request);
    const bos = model.tokens.bos !== null && model.tokens.shouldPrependBosToken ? [model.tokens.bos] : [];
    const tail = usableTail(prompt, request.tail, loaded.vocabularySize);
    const all = tail
      ? [...model.tokenize(prompt.slice(0, prompt.length - tail.text.length)), ...(tail.tokenIds as LlamaToken[])]
      : model.tokenize(prompt);
    const capacity = contextSize - request.maxTokens - bos.length;
    if (capacity < 1) {
      throw new GeneratorError(
        "invalid_request",
        `local engine: maxTokens ${request.maxTokens} leaves no room for a prompt in a ${contextSize}-token context`,
      );
    }
    const reuse = this.options.prefixReuse ?? true;
    const start = windowStart(all.length, capacity, reuse ? this.previousStart : 0, this.options.keepFraction);
    this.previousStart = start;
    const window = [...bos, ...all.slice(start)];
    if (window.length === 0)
      throw new GeneratorError("invalid_request", "local engine: the prompt is empty and the model has no BOS token");
    const prefix = window.slice(0, -1);
    const last = window[window.length - 1]!;

    // The main sequence is the source of the workers' copies: without copies it is left alone.
    const mainBefore = main.tokenMeter.getState();
    if (!reuse) await main.clearHistory();
    if (this.canCopy(main as Sequence)) await alignSequence(main, prefix);
    // Prompt tokens decoded this step, as node-llama-cpp's token meters count them (main and workers).
    let evaluatedTokens = decoded(main, mainBefore);
    throwIfAborted(request.signal);

    const seed =
      request.seed !== undefined
        ? request.seed >>> 0
        : Math.floor((this.options.random ?? Math.random)() * 2 ** 32) >>> 0;
    const candidates: GeneratedCandidate[] = [];
    // The alternatives' texts, detokenized once per step: every candidate reads them after the same prompt tail.
    const pieceOf = pieceCache(model, window.slice(-8));
    let copiedSequences = 0;
    for (let wave = 0; wave < request.n; wave += workers.length) {
      const size = Math.min(workers.length, request.n - wave);
      const used = workers.slice(0, size) as Sequence[];
      const before = used.map((w) => w.tokenMeter.getState());
      const copies = await Promise.all(used.map((w) => this.prepareWorker(w, main, prefix)));
      used.forEach((w, k) => (evaluatedTokens += decoded(w, before[k]!)));
      copiedSequences += copies.filter(Boolean).length;
      throwIfAborted(request.signal);
      const gate = lockstep(size);
      // A candidate that ends, or fails, leaves the lockstep so the others no longer wait for it.
      const runs = used.map((worker, k) =>
        this.sampleCandidate(loaded, worker, gate, last, window, request, seed, wave + k, onDelta, pieceOf).finally(
          () => gate.leave(),
        ),
      );
      const settled = await Promise.allSettled(runs);
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
      if (failed) {
        if (request.signal?.aborted || isAbortError(failed.reason))
          throw new GenerationAbortedError(request.signal?.reason);
        throw failed.reason;
      }
      for (const s of settled) candidates.push((s as PromiseFulfilledResult<GeneratedCandidate>).value);
      // Each candidate's last prompt token is decoded with its first sample.
      evaluatedTokens += size;
    }

    return {
      candidates,
      usage: {
        promptTokens: window.length,
        completionTokens: candidates.reduce((sum, c) => sum + (c.tokens?.length ?? 0), 0),
        requests: 1,
      },
      meta: stepMeta({
        provider: this.provider,
        model: this.model,
        request,
        prompt,
        extra: {
          seed,
          logprobMeaning: LOCAL_LOGPROB_MEANING,
          contextSize,
          ...(tail ? { continuedFromTokenIds: tail.tokenIds.length } : {}),
          promptWindow: {
            startToken: start,
            totalTokens: all.length,
            evaluatedTokens,
            copiedSequences,
          },
        },
      }),
    };
  }

  /**
   * Make `worker` hold exactly `prefix` at the least cost; says whether it took the main sequence's state.
   *
   * A worker that already holds the whole prefix (the same prompt again, or one it generated from) keeps it and
   * drops only what follows. One that lacks part of it takes a copy of the main sequence's state, where
   * node-llama-cpp allows it, rather than evaluating the missing tokens itself: one evaluation for the step
   * instead of one per candidate.
   */
  private async prepareWorker(worker: Sequence, main: LlamaContextSequence, prefix: LlamaToken[]): Promise<boolean> {
    const holds = worker.compareContextTokens(prefix).firstDifferentIndex === prefix.length;
    if (!holds && this.canCopy(worker)) {
      if (await worker._copyStateFromOtherSequence!(main, prefix.length)) return true;
      this.copyWorks = false;
    }
    await alignSequence(worker, prefix);
    return false;
  }

  /** Whether workers may take the main sequence's state: allowed, present in this node-llama-cpp, and not yet failed. */
  private canCopy(sequence: Sequence): boolean {
    return (
      this.copyWorks && this.options.copyState !== false && typeof sequence._copyStateFromOtherSequence === "function"
    );
  }

  private async sampleCandidate(
    loaded: LoadedLocalModel,
    worker: Sequence,
    gate: Lockstep,
    last: LlamaToken,
    window: LlamaToken[],
    request: GenerateRequest,
    seed: number,
    index: number,
    onDelta: (d: Delta) => void,
    pieceOf: (id: number) => string,
  ): Promise<GeneratedCandidate> {
    const { model } = loaded;
    const random = seededRandom((seed + Math.imul(index, 0x9e3779b1)) >>> 0);
    const alternatives = request.logprobs ?? 0;
    const filters = readoutFilters(request, loaded.vocabularySize);
    const filtered = filtersActive(filters);
    const sampling = {
      temperature: request.temperature,
      topP: request.topP,
      alternatives,
      vocabularySize: loaded.vocabularySize ?? Number.MAX_SAFE_INTEGER,
      random,
      ...(filtered ? { filters } : {}),
    };
    // Read back per token only the head of the unfiltered logits (enough for the alternatives and for sampling
    // at another temperature or nucleus, see chooseToken), the total weight, and llama.cpp's own sample.
    // At temperature 1 without a nucleus llama.cpp's sample is the draw: only the alternatives are read back.
    const exact = request.temperature === 1 && request.topP >= 1 && !filtered;
    // A top-k cut is exact while the head holds the K likeliest (up to MAX_HEAD_TOKENS read per token).
    const headSize = exact
      ? Math.max(alternatives, 1)
      : Math.max(alternatives, HEAD_TOKENS, Math.min(filters.topK ?? 0, MAX_HEAD_TOKENS));
    const listed = [...(filters.logitBias?.keys() ?? [])] as LlamaToken[];
    const generateNext = {
      token: true,
      logits: {
        filter: {
          // A biased token's logit is read by id wherever it ranks.
          tokens: listed,
          includeTop: headSize,
          includeSelected: true,
        },
      },
      totalLogitWeight: true,
      // llama.cpp seeds a fresh sampler on every call: each token gets its own seed from the candidate's stream,
      // or every token of a candidate would be drawn with the same random number.
      options: { temperature: 1, topK: 0, topP: 1, minP: 0, seed: 0 },
    };
    const seeds = seededRandom((seed ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
    const context = window.slice(-8);
    const generated: LlamaToken[] = [];
    let tokens: Token[] = [];
    let text = "";
    let finishReason: FinishReason = "length";
    let input = last;
    for (;;) {
      // The wave's candidates ask for their next tokens together (see lockstep), on a fresh turn of the event loop.
      await gate.arrive();
      throwIfAborted(request.signal);
      generateNext.options.seed = Math.floor(seeds() * 2 ** 32) >>> 0;
      const [out] = await worker.controlledEvaluate([[input, { generateNext }]]);
      const next = out?.next;
      if (!next?.logits || next.token === undefined || next.token === null || next.totalLogitWeight === undefined)
        throw new GeneratorError("model_load", "local engine: llama.cpp returned no next-token readout");
      // The map is sorted by logit: its first headSize entries are the head; the biased tokens beyond it follow.
      const entries = [...next.logits.entries()];
      const head = entries.slice(0, headSize);
      const chosen = chooseToken(
        {
          head,
          sampled: next.token,
          sampledLogit: next.logits.get(next.token) ?? Number.NaN,
          totalWeight: next.totalLogitWeight,
          ...(listed.length > 0 ? { listed: entries.slice(headSize).filter(([t]) => filters.logitBias!.has(t)) } : {}),
        },
        sampling,
      );
      const token = chosen.id as LlamaToken;
      if (model.isEogToken(token)) {
        finishReason = "stop";
        break;
      }
      generated.push(token);
      const full = model.detokenize(generated, false, context);
      const piece = full.startsWith(text) ? full.slice(text.length) : model.detokenize([token], false, context);
      text += piece;
      tokens.push({
        text: piece,
        id: token,
        logprob: chosen.logprob,
        ...(alternatives > 0
          ? {
              top: chosen.top.map((a) => ({
                text: pieceOf(a.id),
                logprob: a.logprob,
                id: a.id,
              })),
            }
          : {}),
      });
      onDelta({ index, text: piece });
      const cut = stopAt(text, request.stop);
      if (cut !== null) {
        text = text.slice(0, cut);
        finishReason = "stop";
        tokens = cutTokens(tokens, cut);
        break;
      }
      if (generated.length >= request.maxTokens) break;
      input = token;
    }
    const stepLogprob = tokens.length > 0 ? tokens.reduce((s, t) => s + t.logprob!, 0) : null;
    return { text, tokens: tokens.length > 0 ? tokens : null, stepLogprob, finishReason };
  }
}

/** A token's text after `context` (the prompt's tail), detokenized once per token id. */
function pieceCache(model: LlamaModel, context: LlamaToken[]): (id: number) => string {
  const known = new Map<number, string>();
  return (id) => {
    let text = known.get(id);
    if (text === undefined) {
      text = model.detokenize([id as LlamaToken], false, context);
      known.set(id, text);
    }
    return text;
  };
}

/** Logits read back per token: the alternatives asked for, and enough of the head to sample below temperature 1 (see chooseToken). */
const HEAD_TOKENS = 64;
/** Most logits read per token for a top-k cut (a wider top-k keeps the rest of the vocabulary as one bucket). */
const MAX_HEAD_TOKENS = 1024;

/** The request's top-k, min-p and logit bias for chooseToken; a bias on a token the model lacks is refused by name. */
function readoutFilters(request: GenerateRequest, vocabularySize: number | null): ReadoutFilters {
  const bias = new Map<number, number>();
  for (const [key, value] of Object.entries(request.logitBias ?? {})) {
    const id = Number(key);
    if (!Number.isInteger(id) || id < 0 || (vocabularySize !== null && id >= vocabularySize))
      throw new GeneratorError(
        "invalid_request",
        `local engine: generator.logitBias names token ${key}, which this model's vocabulary (${vocabularySize ?? "?"} tokens) does not have`,
      );
    bias.set(id, value);
  }
  return {
    ...(request.topK !== undefined ? { topK: request.topK } : {}),
    ...(request.minP !== undefined ? { minP: request.minP } : {}),
    ...(bias.size > 0 ? { logitBias: bias } : {}),
  };
}

function validate(request: GenerateRequest): void {
  if (!Number.isInteger(request.n) || request.n < 1)
    throw new GeneratorError("invalid_request", `local engine: n must be a positive integer, got ${request.n}`);
  if (!Number.isInteger(request.maxTokens) || request.maxTokens < 1) {
    throw new GeneratorError(
      "invalid_request",
      `local engine: maxTokens must be a positive integer, got ${request.maxTokens}`,
    );
  }
}

/** Tokens `sequence` has decoded since `before`, by its node-llama-cpp token meter. */
function decoded(sequence: LlamaContextSequence, before: TokenMeterState): number {
  const d = sequence.tokenMeter.diff(before);
  return d.usedInputTokens + d.usedOutputTokens;
}

/** Make `sequence` hold exactly `tokens`, keeping the longest prefix it already has; returns how many were kept. */
async function alignSequence(sequence: LlamaContextSequence, tokens: LlamaToken[]): Promise<number> {
  const keep = sequence.compareContextTokens(tokens).firstDifferentIndex;
  if (keep < sequence.nextTokenIndex)
    await sequence.eraseContextTokenRanges([{ start: keep, end: sequence.nextTokenIndex }]);
  if (keep < tokens.length) await sequence.evaluateWithoutGeneratingNewTokens(tokens.slice(keep));
  return keep;
}

/**
 * The request's tail when this engine can continue from its ids: it ends the prompt and every id is one of
 * this model's (ids from another model would read as other words). Otherwise null: the text is tokenised.
 */
function usableTail(prompt: string, tail: PromptTail | undefined, vocabularySize: number | null): PromptTail | null {
  if (!tail || tail.tokenIds.length === 0 || !prompt.endsWith(tail.text)) return null;
  for (const id of tail.tokenIds)
    if (!Number.isInteger(id) || id < 0 || (vocabularySize !== null && id >= vocabularySize)) return null;
  return tail;
}

function stopAt(text: string, stop: string[] | undefined): number | null {
  let cut: number | null = null;
  for (const s of stop ?? []) {
    const at = s ? text.indexOf(s) : -1;
    if (at >= 0 && (cut === null || at < cut)) cut = at;
  }
  return cut;
}
