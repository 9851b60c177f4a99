// The Together adapter (together-ai SDK): base models over Together's completions endpoint, with logprobs.
import { clientOnFirstUse } from "@loom/core/internal";
import type { GenerateRequest, GenerateResult, GeneratorCapabilities } from "@loom/core";
import type Together from "together-ai";
import { throwIfAborted } from "../abort.js";
import type { CompletionLogprobs } from "../http/completion-logprobs.js";
import {
  runCompletionStep,
  type CompletionBackend,
  type CompletionCall,
  type CompletionResponseLike,
  type Delta,
} from "../http/completion-step.js";
import type { HttpGeneratorOptions } from "../http/http-options.js";
import { type SdkClientSetup, sdkClientOptions, sdkErrorContext } from "../http/sdk-client-options.js";
import { promptOf } from "../prompt-builder.js";
import { refuseUnsupportedSampling } from "../sampling-controls.js";
import { StepGenerator } from "../step-generator.js";
import { stepMeta } from "../step-meta.js";

export const TOGETHER_BASE_URL = "https://api.together.ai/v1";
export const TOGETHER_API_KEY_ENV = "TOGETHER_API_KEY";
/** Together accepts up to 20 top alternatives per token. */
const MAX_LOGPROBS = 20;

export type TogetherGeneratorOptions = HttpGeneratorOptions;

/** A streamed Together chunk: one token per chunk (with its logprob) next to the choice's text. */
interface TogetherChunk {
  choices?: { index?: number; text?: string; finish_reason?: string | null }[];
  token?: { id?: number; logprob?: number; text?: string } | null;
  finish_reason?: string | null;
  usage?: CompletionResponseLike["usage"];
}

/** Together's chunks carry the token beside the choice; reshape them like completions chunks. */
function normaliseChunk(chunk: TogetherChunk): CompletionResponseLike {
  // The chunk's token belongs to its only choice; with several choices per chunk it is ambiguous, so dropped.
  const token = (chunk.choices?.length ?? 0) === 1 ? chunk.token : null;
  const logprobs: CompletionLogprobs | null =
    token && typeof token.text === "string"
      ? { tokens: [token.text], token_logprobs: [token.logprob ?? null], token_ids: [token.id ?? null] }
      : null;
  return {
    usage: chunk.usage ?? null,
    choices: (chunk.choices ?? []).map((c) => ({
      index: c.index ?? 0,
      text: c.text ?? "",
      logprobs,
      finish_reason: c.finish_reason ?? chunk.finish_reason ?? null,
    })),
  };
}

/**
 * Together completions. `n` is native (one request per step); logprobs come back per token
 * (with top alternatives when the model's server provides them). Streaming yields one token
 * per chunk. The SDK's own retries are off; this adapter retries.
 */
export class TogetherGenerator extends StepGenerator {
  readonly provider = "together";
  readonly model: string;
  readonly capabilities: GeneratorCapabilities = {
    logprobs: true,
    nativeN: true,
    streaming: true,
    seed: true,
    samplingControls: ["topK", "minP", "logitBias"],
    hosted: true,
  };
  readonly baseURL: string;
  private readonly client: () => Promise<Together>;
  private readonly options: TogetherGeneratorOptions;
  private readonly clientSetup: SdkClientSetup = {
    provider: this.provider,
    key: { envVar: TOGETHER_API_KEY_ENV, homeURL: TOGETHER_BASE_URL },
  };

  constructor(options: TogetherGeneratorOptions) {
    super();
    this.options = options;
    this.model = options.model;
    this.baseURL = options.baseURL ?? TOGETHER_BASE_URL;
    // The options are made now, so a missing key fails here, naming its variable; the SDK loads on the first request.
    const clientOptions = sdkClientOptions(this.clientSetup, options, this.baseURL);
    this.client = clientOnFirstUse(async () => new (await import("together-ai")).default(clientOptions));
  }

  protected async step(request: GenerateRequest, onDelta?: (d: Delta) => void): Promise<GenerateResult> {
    refuseUnsupportedSampling(this, request);
    throwIfAborted(request.signal);
    const prompt = promptOf(request);
    const logprobs = Math.min(request.logprobs ?? 0, MAX_LOGPROBS);
    const body = (call: CompletionCall) => ({
      model: this.model,
      prompt,
      max_tokens: request.maxTokens,
      temperature: request.temperature,
      top_p: request.topP,
      n: call.n,
      // Ask for at least the chosen tokens' logprobs: stepLogprob needs them even without alternatives.
      logprobs: Math.max(1, logprobs),
      ...(request.stop && request.stop.length > 0 ? { stop: request.stop } : {}),
      ...(request.topK !== undefined ? { top_k: request.topK } : {}),
      ...(request.minP !== undefined ? { min_p: request.minP } : {}),
      ...(request.logitBias && Object.keys(request.logitBias).length > 0 ? { logit_bias: request.logitBias } : {}),
      ...(call.seed !== undefined ? { seed: call.seed } : {}),
    });
    const backend: CompletionBackend = {
      error: sdkErrorContext(this.clientSetup, this.baseURL),
      nativeN: true,
      retry: this.options.retry,
      maxConcurrency: this.options.maxConcurrency ?? 8,
      topLogprobs: logprobs,
      clientStops: [],
      create: async (call, signal) =>
        (await (
          await this.client()
        ).completions.create({ ...body(call), stream: false }, { signal })) as CompletionResponseLike,
      createStream: async (call, signal) => {
        const stream = await (await this.client()).completions.create({ ...body(call), stream: true }, { signal });
        return (async function* () {
          for await (const chunk of stream) yield normaliseChunk(chunk as TogetherChunk);
        })();
      },
    };
    // Alternatives beyond what the caller asked for are dropped in the step, so nodes store what was requested.
    const { candidates, usage, logprobsLayout } = await runCompletionStep(backend, request, onDelta);
    const params = Object.fromEntries(
      Object.entries(body({ n: request.n, seed: request.seed })).filter(([k]) => k !== "prompt"),
    );
    const sampling = {
      sent: { logprobs },
      notSent: (request.logprobs ?? 0) > logprobs ? { logprobs: request.logprobs } : {},
    };
    return {
      candidates,
      usage,
      meta: stepMeta({
        provider: this.provider,
        model: this.model,
        request,
        prompt,
        sampling,
        extra: { baseURL: this.baseURL, logprobsLayout, params },
      }),
    };
  }
}
