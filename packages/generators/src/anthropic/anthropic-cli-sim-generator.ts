// The Anthropic CLI-sim adapter (@anthropic-ai/sdk): a chat model simulating `cat` on the draft continues it like a base model.
import type {
  GenerateRequest,
  GenerateResult,
  GeneratedCandidate,
  GenerationUsage,
  GeneratorCapabilities,
} from "@loom/core";
import type Anthropic from "@anthropic-ai/sdk";
import { anthropicModelFacts, type AnthropicModelFacts, clientOnFirstUse, DEFAULT_MODELS } from "@loom/core/internal";
import { refuseUnsupportedSampling } from "../sampling-controls.js";
import { throwIfAborted } from "../abort.js";
import { APICallError, GeneratorError } from "../errors.js";
import type { StepDelta } from "../event-channel.js";
import { finishReasonOf } from "../http/completion-logprobs.js";
import { fanOut } from "../http/fan-out.js";
import type { HttpGeneratorOptions } from "../http/http-options.js";
import { type SdkClientSetup, sdkClientOptions, sdkErrorContext } from "../http/sdk-client-options.js";
import { fromStreamError } from "../http/sdk-error.js";
import { withRetry } from "../retry.js";
import { createStopCutter, cutAtStop } from "../http/client-stop.js";
import { anthropicStops, checkAnthropicGeneratorModel, thinkingParam } from "./anthropic-request-rules.js";
import { StepGenerator } from "../step-generator.js";
import { stepMeta } from "../step-meta.js";
import {
  CLI_SIM_SYSTEM_PROMPT,
  buildCliSimPrompt,
  createPrefillJoiner,
  type CliSimMode,
  type CliSimPrompt,
} from "./cli-sim-prompt.js";

export const ANTHROPIC_BASE_URL = "https://api.anthropic.com";
export const ANTHROPIC_API_KEY_ENV = "ANTHROPIC_API_KEY";
/** The CLI-sim default (see `DEFAULT_MODELS` in @loom/core, the one place defaults live). */
export const DEFAULT_ANTHROPIC_MODEL = DEFAULT_MODELS.anthropicCliSim;

export interface AnthropicCliSimGeneratorOptions extends Omit<HttpGeneratorOptions, "model"> {
  /** Default: `DEFAULT_MODELS.anthropicCliSim` (`DEFAULT_MODELS.anthropicPrefill` in prefill mode). */
  model?: string;
  /** `cli-sim` (default): the model prints the rest of the draft. `prefill`: the assistant turn starts with the text. */
  mode?: CliSimMode;
  /** Replaces the default system prompt (`CLI_SIM_SYSTEM_PROMPT`, in `@loom/generators/internal`). */
  system?: string;
  /** Most requests in flight at once (default 4): a step of `n` candidates is `n` requests. */
  maxConcurrency?: number;
}

interface Sample {
  text: string;
  stopReason: string | null;
  /** A whitespace-only stop found by Loom in the text (the API refuses such stops). */
  clientStopped: boolean;
  inputTokens: number;
  outputTokens: number;
  thinkingTokens: number;
}

/**
 * Continues text with a chat model told it is a command-line simulator. There are no logprobs,
 * no native `n` (a step is `n` concurrent requests, capped) and no seed. API version 2026-10-21
 * takes no temperature, top-p or top-k, so the model's own sampling applies; provenance records
 * them under `notSent`. Stops with visible characters go to `stop_sequences`; whitespace-only
 * stops (refused by the API) are cut by Loom from the text. Up-front thinking is switched off
 * explicitly where the model allows it, because thinking counts against `max_tokens`; models that
 * always think, and prefill on models that refuse it, are refused before any request.
 */
export class AnthropicCliSimGenerator extends StepGenerator {
  readonly provider: string;
  readonly model: string;
  readonly capabilities: GeneratorCapabilities = {
    logprobs: false,
    nativeN: false,
    streaming: true,
    seed: false,
    hosted: true,
  };
  readonly baseURL: string;
  private readonly client: () => Promise<Anthropic>;
  private readonly options: AnthropicCliSimGeneratorOptions;
  private readonly clientSetup: SdkClientSetup;
  private readonly mode: CliSimMode;
  private readonly facts: AnthropicModelFacts;

  constructor(options: AnthropicCliSimGeneratorOptions = {}) {
    super();
    this.options = options;
    this.mode = options.mode ?? "cli-sim";
    this.provider = this.mode === "prefill" ? "anthropic-prefill" : "anthropic-cli-sim";
    this.model = options.model || (this.mode === "prefill" ? DEFAULT_MODELS.anthropicPrefill : DEFAULT_ANTHROPIC_MODEL);
    this.facts = anthropicModelFacts(this.model);
    checkAnthropicGeneratorModel(this.provider, this.model, this.mode, this.facts);
    this.baseURL = options.baseURL ?? ANTHROPIC_BASE_URL;
    this.clientSetup = {
      provider: this.provider,
      key: { envVar: ANTHROPIC_API_KEY_ENV, homeURL: ANTHROPIC_BASE_URL },
    };
    // The options are made now, so a missing key fails here, naming its variable; the SDK loads on the first request.
    const clientOptions = sdkClientOptions(this.clientSetup, options, this.baseURL);
    this.client = clientOnFirstUse(async () => new (await import("@anthropic-ai/sdk")).default(clientOptions));
  }

  protected async step(request: GenerateRequest, onDelta?: (delta: StepDelta) => void): Promise<GenerateResult> {
    // The Messages API (2026-10-21) takes no top_k and has no logit bias; a chat model is not a completions server.
    refuseUnsupportedSampling(this, request);
    throwIfAborted(request.signal);
    if (!Number.isInteger(request.n) || request.n < 1)
      throw new GeneratorError("invalid_request", `${this.provider}: n must be a positive integer, got ${request.n}`);
    const prompt = buildCliSimPrompt(request.prompt, this.mode, this.options.system ?? CLI_SIM_SYSTEM_PROMPT);
    const stops = anthropicStops(request.stop ?? []);
    const thinking = thinkingParam(this.facts);
    const body: Anthropic.MessageCreateParamsNonStreaming = {
      model: this.model,
      max_tokens: request.maxTokens,
      system: prompt.system,
      messages: prompt.messages,
      ...(thinking ? { thinking } : {}),
      ...(stops.api.length > 0 ? { stop_sequences: stops.api } : {}),
    };
    const usage: GenerationUsage = { promptTokens: 0, completionTokens: 0, requests: 0 };
    const ctx = sdkErrorContext(this.clientSetup, this.baseURL);
    const samples = await fanOut(
      request.n,
      this.options.maxConcurrency ?? 4,
      (index, signal) =>
        withRetry(
          async () => {
            usage.requests++;
            const emitted = { any: false };
            try {
              return onDelta
                ? await this.streamOne(
                    body,
                    prompt,
                    stops.client,
                    signal,
                    (text) => ((emitted.any = true), onDelta({ index, text })),
                  )
                : await this.createOne(body, prompt, stops.client, signal);
            } catch (error) {
              throw fromStreamError(error, ctx, signal, emitted.any);
            }
          },
          this.options.retry,
          signal,
        ),
      request.signal,
    );
    const candidates: GeneratedCandidate[] = samples.map((s) => {
      usage.promptTokens += s.inputTokens;
      usage.completionTokens += s.outputTokens;
      return {
        text: s.text,
        tokens: null,
        stepLogprob: null,
        finishReason: s.clientStopped ? "stop" : finishReasonOf(s.stopReason),
      };
    });
    const notSent: Record<string, unknown> = { temperature: request.temperature, topP: request.topP };
    if (request.seed !== undefined) notSent["seed"] = request.seed;
    if (request.logprobs) notSent["logprobs"] = request.logprobs;
    return {
      candidates,
      usage,
      meta: stepMeta({
        provider: this.provider,
        model: this.model,
        request,
        prompt: { system: prompt.system, messages: prompt.messages },
        sampling: {
          sent: { temperature: null, topP: null, seed: null, logprobs: 0, stop: stops.api, thinking: thinking ?? null },
          notSent,
          clientStop: stops.client,
        },
        extra: {
          baseURL: this.baseURL,
          mode: this.mode,
          params: { max_tokens: body.max_tokens, stop_sequences: stops.api, ...(thinking ? { thinking } : {}) },
        },
      }),
    };
  }

  private async createOne(
    body: Anthropic.MessageCreateParamsNonStreaming,
    prompt: CliSimPrompt,
    clientStops: string[],
    signal: AbortSignal,
  ): Promise<Sample> {
    const message = await (await this.client()).messages.create({ ...body, stream: false }, { signal });
    if (!Array.isArray(message.content)) {
      throw new APICallError({
        provider: this.provider,
        url: this.baseURL,
        isRetryable: false,
        message: `${this.provider}: the response has no content`,
      });
    }
    const raw = message.content.map((block) => (block.type === "text" ? block.text : "")).join("");
    const joiner = createPrefillJoiner(prompt.trimmedTail);
    const cut = cutAtStop(joiner.push(raw) + joiner.flush(), clientStops);
    return this.checked({
      text: cut.text,
      clientStopped: cut.stopped,
      stopReason: message.stop_reason ?? null,
      inputTokens: message.usage?.input_tokens ?? 0,
      outputTokens: message.usage?.output_tokens ?? 0,
      thinkingTokens: message.usage?.output_tokens_details?.thinking_tokens ?? 0,
    });
  }

  private async streamOne(
    body: Anthropic.MessageCreateParamsNonStreaming,
    prompt: CliSimPrompt,
    clientStops: string[],
    signal: AbortSignal,
    onText: (text: string) => void,
  ): Promise<Sample> {
    const stream = await (await this.client()).messages.create({ ...body, stream: true }, { signal });
    const joiner = createPrefillJoiner(prompt.trimmedTail);
    const cutter = createStopCutter(clientStops);
    const sample: Sample = {
      text: "",
      stopReason: null,
      clientStopped: false,
      inputTokens: 0,
      outputTokens: 0,
      thinkingTokens: 0,
    };
    const emit = (piece: string) => {
      if (!piece) return;
      sample.text += piece;
      onText(piece);
    };
    for await (const event of stream) {
      if (event.type === "message_start") sample.inputTokens = event.message.usage?.input_tokens ?? 0;
      else if (event.type === "content_block_delta" && event.delta.type === "text_delta")
        emit(cutter.push(joiner.push(event.delta.text)));
      else if (event.type === "message_delta") {
        sample.stopReason = event.delta.stop_reason ?? sample.stopReason;
        sample.outputTokens = event.usage?.output_tokens ?? sample.outputTokens;
        sample.thinkingTokens = event.usage?.output_tokens_details?.thinking_tokens ?? sample.thinkingTokens;
      }
    }
    emit(cutter.push(joiner.flush()));
    emit(cutter.flush());
    sample.clientStopped = cutter.stopped;
    return this.checked(sample);
  }

  /** An empty continuation is not a candidate: say why (thinking used the budget, or the model printed nothing). */
  private checked(sample: Sample): Sample {
    if (sample.text !== "" || sample.clientStopped) return sample;
    const thinking =
      sample.thinkingTokens > 0
        ? `; ${sample.thinkingTokens} of ${sample.outputTokens} output tokens went to thinking`
        : "";
    throw new APICallError({
      provider: this.provider,
      url: this.baseURL,
      // Out of tokens is the same next time; an empty end_turn is a sampling accident worth another try.
      isRetryable: sample.stopReason !== "max_tokens",
      message: `${this.provider}: ${this.model} returned no text (stop_reason ${sample.stopReason ?? "none"}${thinking}); an empty candidate is not stored`,
    });
  }
}
