// The OpenAI-compatible completions adapter (openai SDK): OpenAI, vLLM, llama.cpp, Ollama, OpenRouter, Hyperbolic, Fireworks.
import { clientOnFirstUse } from "@loom/core/internal";
import type { GenerateRequest, GenerateResult, GeneratorCapabilities } from "@loom/core";
import type OpenAI from "openai";
import { throwIfAborted } from "../abort.js";
import { runCompletionStep, type CompletionBackend, type CompletionCall, type Delta } from "../http/completion-step.js";
import type { HttpGeneratorOptions } from "../http/http-options.js";
import { type SdkClientSetup, sdkClientOptions, sdkErrorContext } from "../http/sdk-client-options.js";
import { promptOf } from "../prompt-builder.js";
import { refuseUnsupportedSampling } from "../sampling-controls.js";
import { StepGenerator } from "../step-generator.js";
import { stepMeta } from "../step-meta.js";
import {
  OPENAI_COMPATIBLE_PRESETS,
  type OpenAICompatiblePreset,
  type OpenAICompatiblePresetName,
} from "./openai-compatible-presets.js";
import { completionSampling } from "./completion-sampling.js";

export interface OpenAICompatibleGeneratorOptions extends HttpGeneratorOptions {
  /** A named preset (default "openai"), or your own description of the server. */
  preset?: OpenAICompatiblePresetName | OpenAICompatiblePreset;
  /** Overrides the preset's `nativeN`. */
  nativeN?: boolean;
}

/**
 * Completion models over the OpenAI completions endpoint (`/v1/completions`).
 *
 * With a server that honours `n`, a step is one request; otherwise `n` concurrent requests (at
 * most `maxConcurrency` at once), each with its own seed (`seed + i`). Logprobs are asked for
 * up to the preset's limit and mapped into tokens with top alternatives. The SDK's own retries
 * are off: this adapter retries (see `RetryOptions`), so a step is retried as a whole or not at all.
 */
export class OpenAICompatibleGenerator extends StepGenerator {
  readonly provider: string;
  readonly model: string;
  readonly capabilities: GeneratorCapabilities;
  readonly baseURL: string;
  private readonly client: () => Promise<OpenAI>;
  private readonly preset: OpenAICompatiblePreset;
  private readonly options: OpenAICompatibleGeneratorOptions;
  private readonly clientSetup: SdkClientSetup;

  constructor(options: OpenAICompatibleGeneratorOptions) {
    super();
    const presetName = typeof options.preset === "string" ? options.preset : options.preset ? "custom" : "openai";
    this.preset =
      typeof options.preset === "object" ? options.preset : OPENAI_COMPATIBLE_PRESETS[options.preset ?? "openai"];
    this.options = options;
    this.provider = presetName === "openai" ? "openai" : `openai-compatible:${presetName}`;
    this.model = options.model;
    this.baseURL = options.baseURL ?? this.preset.baseURL;
    this.clientSetup = {
      provider: this.provider,
      key: { envVar: this.preset.apiKeyEnv, homeURL: this.preset.hosted ? this.preset.baseURL : undefined },
      required: this.preset.requiresApiKey,
      ...(this.preset.headers ? { headers: this.preset.headers } : {}),
    };
    // The options are made now, so a missing key fails here, naming its variable; the SDK loads on the first request.
    const clientOptions = sdkClientOptions(this.clientSetup, options, this.baseURL);
    this.client = clientOnFirstUse(async () => new (await import("openai")).default(clientOptions));
    this.capabilities = {
      logprobs: this.preset.maxLogprobs > 0,
      nativeN: options.nativeN ?? this.preset.nativeN,
      streaming: true,
      seed: this.preset.seed,
      samplingControls: [...this.preset.samplingControls, "extraBody"],
      hosted: this.preset.hosted,
    };
  }

  protected async step(request: GenerateRequest, onDelta?: (d: Delta) => void): Promise<GenerateResult> {
    refuseUnsupportedSampling(this, request);
    throwIfAborted(request.signal);
    const prompt = promptOf(request);
    const sampling = completionSampling(request, this.preset);
    const body = (call: CompletionCall) => ({
      model: this.model,
      prompt,
      ...sampling.body,
      n: call.n,
      ...(call.seed !== undefined && this.preset.seed ? { seed: call.seed } : {}),
    });
    const backend: CompletionBackend = {
      error: sdkErrorContext(this.clientSetup, this.baseURL),
      nativeN: this.capabilities.nativeN,
      retry: this.options.retry,
      maxConcurrency: this.options.maxConcurrency ?? 8,
      topLogprobs: sampling.topLogprobs,
      clientStops: sampling.record.clientStop ?? [],
      create: async (call, signal) =>
        (await this.client()).completions.create({ ...body(call), stream: false }, { signal }),
      createStream: async (call, signal) =>
        (await this.client()).completions.create(
          {
            ...body(call),
            stream: true,
            ...(this.preset.streamUsage ? { stream_options: { include_usage: true } } : {}),
          },
          { signal },
        ),
    };
    const { candidates, usage, logprobsLayout } = await runCompletionStep(backend, request, onDelta);
    // The request body minus the prompt (recorded once, above) and the per-request n and seed.
    const params = Object.fromEntries(
      Object.entries(body({ n: request.n, seed: undefined })).filter(([k]) => k !== "prompt"),
    );
    return {
      candidates,
      usage,
      meta: stepMeta({
        provider: this.provider,
        model: this.model,
        request,
        prompt,
        sampling: sampling.record,
        extra: { baseURL: this.baseURL, nativeN: this.capabilities.nativeN, logprobsLayout, params },
      }),
    };
  }
}
