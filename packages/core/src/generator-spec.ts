// The generator specification: what every adapter (HTTP providers, local engine, scripted) implements.
import type { Token } from "./node.js";

/** Bumped when the interface below changes incompatibly; adapters declare the version they implement. */
export const GENERATOR_SPECIFICATION_VERSION = "v1" as const;

/**
 * What a prompt is built from. `raw`: the text so far, classic loom. `briefed`: few-shot texture
 * examples, section intent and an optional rough draft describe the piece, then the crafted text
 * so far and a continue marker. Intent and draft describe; they never prescribe style.
 */
export interface PromptParts {
  mode: "raw" | "briefed";
  /** The crafted text so far (the current path's text). */
  text: string;
  fewshotExamples?: string;
  sectionIntent?: string;
  roughDraft?: string;
}

export interface GenerateRequest {
  /** A finished prompt string, or the parts the adapter builds its prompt from. */
  prompt: string | PromptParts;
  n: number;
  maxTokens: number;
  temperature: number;
  topP: number;
  /** Number of top alternatives per token to return (0 or undefined: none). */
  logprobs?: number;
  stop?: string[];
  seed?: number;
  /** Only the K most likely tokens are sampled (0: no limit). Refused by a generator without `samplingControls.topK`. */
  topK?: number;
  /** Tokens below minP × the top token's probability are dropped. */
  minP?: number;
  /** Added to a token's logit, by token id. */
  logitBias?: Record<string, number>;
  /** Fields merged into an HTTP request body as given (OpenAI-compatible servers only). */
  extraBody?: Record<string, unknown>;
  signal?: AbortSignal;
  /**
   * The end of the prompt's text as the token ids this same model produced it with (the path's generated
   * tokens, a branch's alternative). An engine that takes ids continues from them rather than re-tokenising
   * `text` (which must end the prompt), and says so with `meta.continuedFromTokenIds` (how many it used);
   * others continue from the text.
   */
  tail?: PromptTail;
}

/** See {@link GenerateRequest.tail}. */
export interface PromptTail {
  text: string;
  tokenIds: number[];
}

export type FinishReason = "stop" | "length" | "content_filter" | "abort" | "error" | "unknown";

export interface GeneratedCandidate {
  text: string;
  /** Per-token detail when the generator gives it, else null. */
  tokens: Token[] | null;
  /** Sum of the tokens' logprobs; null when the generator gives none. */
  stepLogprob: number | null;
  finishReason: FinishReason;
}

export interface GenerationUsage {
  promptTokens: number;
  completionTokens: number;
  requests: number;
}

export interface GenerateResult {
  candidates: GeneratedCandidate[];
  usage: GenerationUsage;
  /**
   * Provenance to record on every node of this step: provider, model, sampling parameters and
   * the exact prompt sent (string, or the messages for chat-based adapters), so the step can be replayed.
   */
  meta: Record<string, unknown>;
}

export type GenerateStreamEvent =
  | { type: "delta"; index: number; text: string }
  | { type: "done"; result: GenerateResult };

export interface GeneratorCapabilities {
  /** Returns per-token logprobs. */
  logprobs: boolean;
  /** Produces `n` candidates in one request/evaluation rather than `n` separate ones. */
  nativeN: boolean;
  streaming: boolean;
  /** Honours `seed` for reproducible sampling. */
  seed: boolean;
  /** The optional sampling controls it honours; a request using another is refused (absent: none). */
  samplingControls?: readonly SamplingControl[];
  /**
   * Requests go to a service someone else runs, which bills for them (absent: false — the local engine, a
   * server the user runs). Apps estimate the cost of large requests (a look-ahead) and ask first.
   */
  hosted?: boolean;
}

/** Sampling controls beyond temperature, top-p and stop sequences, which not every service takes. */
export type SamplingControl = "topK" | "minP" | "logitBias" | "extraBody";

export interface Generator {
  readonly specificationVersion: typeof GENERATOR_SPECIFICATION_VERSION;
  /** e.g. "openai-compatible", "together", "anthropic-cli-sim", "local", "scripted". */
  readonly provider: string;
  readonly model: string;
  readonly capabilities: GeneratorCapabilities;
  generate(request: GenerateRequest): Promise<GenerateResult>;
  /** Text deltas per candidate, then the whole result. Present when `capabilities.streaming`. */
  stream?(request: GenerateRequest): AsyncIterable<GenerateStreamEvent>;
  /** Release models, sockets and other resources. */
  close?(): Promise<void>;
}
