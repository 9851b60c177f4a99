// Named presets for servers that speak the OpenAI completions API: base URLs, key variables and what each really does.

export interface OpenAICompatiblePreset {
  /** Default base URL (the `/v1` root). */
  baseURL: string;
  /** Environment variable holding the API key (sent only to this base URL's origin for hosted services). */
  apiKeyEnv: string;
  /** Whether a key is needed at all (local servers usually accept anything). */
  requiresApiKey: boolean;
  /** A hosted service: its key goes only to its own origin. Local servers' keys go wherever they run. */
  hosted: boolean;
  /** The server honours `n` in one request; otherwise the adapter sends `n` concurrent requests. */
  nativeN: boolean;
  /** Largest number of top alternatives per token the server accepts; 0 when it returns no logprobs. */
  maxLogprobs: number;
  /** How logprobs are asked for: a count (`logprobs: 5`) or a flag plus a count (`logprobs: true, top_logprobs: 5`). */
  logprobsRequest: "count" | "flag";
  /** The layout its documentation and source show for completion logprobs. */
  logprobsLayout: "legacy" | "content" | "none";
  /** The server honours `seed`. */
  seed: boolean;
  /** Most stop sequences the API takes; the rest are applied by Loom to the text (null: no limit). */
  maxStop: number | null;
  /** The server reports usage on a stream only when asked with `stream_options.include_usage`. */
  streamUsage: boolean;
  /** Sampling fields sent with every request, so the server's own defaults do not filter the samples. */
  samplingOverrides?: Record<string, number>;
  /** Sampling the server applies that Loom cannot switch off through this API (recorded in provenance). */
  serviceApplies?: Record<string, number>;
  /** Requested fields the server accepts but ignores (recorded in provenance). */
  ignores?: string[];
  /** Sampling controls beyond temperature / top-p / stop its completions API takes (`extraBody` is always allowed: it is the user's passthrough). */
  samplingControls: readonly ("topK" | "minP" | "logitBias")[];
  /** Extra headers the service wants (e.g. attribution), merged under the user's. */
  headers?: Record<string, string>;
  /** Where these facts come from. */
  source: string;
}

/** A service someone else runs: it needs its own key, read only when requests go to its address. */
const HOSTED = { requiresApiKey: true, hosted: true } as const;
/** A server the user runs: a key only if they set one. */
const SELF_HOSTED = { requiresApiKey: false, hosted: false } as const;
/** What most servers keep of OpenAI's completions API; a preset states only where its service differs. */
const COMPLETIONS_DEFAULTS = {
  logprobsRequest: "count",
  logprobsLayout: "legacy",
  seed: true,
  maxStop: null,
  streamUsage: true,
} as const;

export const OPENAI_COMPATIBLE_PRESETS = {
  openai: {
    samplingControls: ["logitBias"],
    baseURL: "https://api.openai.com/v1",
    apiKeyEnv: "OPENAI_API_KEY",
    ...HOSTED,
    ...COMPLETIONS_DEFAULTS,
    nativeN: true,
    maxLogprobs: 5,
    maxStop: 4,
    source: "openai 6.49 CompletionCreateParams (logprobs max 5, up to 4 stop sequences, stream_options)",
  },
  vllm: {
    samplingControls: ["topK", "minP", "logitBias"],
    baseURL: "http://localhost:8000/v1",
    apiKeyEnv: "VLLM_API_KEY",
    ...SELF_HOSTED,
    ...COMPLETIONS_DEFAULTS,
    nativeN: true,
    maxLogprobs: 20,
    source: "vLLM OpenAI-compatible server (CompletionRequest; may return logprobs + 1 alternatives)",
  },
  // llama.cpp's server applies top_k 40 and min_p 0.05 unless told otherwise; Loom switches both off.
  llamacpp: {
    samplingControls: ["topK", "minP", "logitBias"],
    baseURL: "http://localhost:8080/v1",
    apiKeyEnv: "LLAMACPP_API_KEY",
    ...SELF_HOSTED,
    ...COMPLETIONS_DEFAULTS,
    nativeN: false,
    maxLogprobs: 20,
    logprobsLayout: "content",
    samplingOverrides: { top_k: 0, min_p: 0 },
    source: "llama.cpp tools/server server-task.cpp (logprobs.content[], n_cmpl limited by slots, sampling defaults)",
  },
  // Ollama's OpenAI layer takes no n, top_k or logprobs on completions; its model default top_k 40 stays.
  ollama: {
    samplingControls: [],
    baseURL: "http://localhost:11434/v1",
    apiKeyEnv: "OLLAMA_API_KEY",
    ...SELF_HOSTED,
    ...COMPLETIONS_DEFAULTS,
    nativeN: false,
    maxLogprobs: 0,
    logprobsLayout: "none",
    serviceApplies: { top_k: 40 },
    source: "Ollama docs/openai.md (/v1/completions supported fields)",
  },
  // OpenRouter routes to many backends; most ignore n, and logprobs depend on the backend.
  openrouter: {
    samplingControls: ["topK", "minP", "logitBias"],
    baseURL: "https://openrouter.ai/api/v1",
    apiKeyEnv: "OPENROUTER_API_KEY",
    ...HOSTED,
    ...COMPLETIONS_DEFAULTS,
    nativeN: false,
    maxLogprobs: 20,
    logprobsRequest: "flag",
    logprobsLayout: "content",
    headers: { "X-Title": "Loom" },
    source: "OpenRouter API reference (logprobs boolean + top_logprobs 0-20)",
  },
  hyperbolic: {
    samplingControls: ["topK"],
    baseURL: "https://api.hyperbolic.xyz/v1",
    apiKeyEnv: "HYPERBOLIC_API_KEY",
    ...HOSTED,
    ...COMPLETIONS_DEFAULTS,
    nativeN: false,
    maxLogprobs: 5,
    streamUsage: false,
    source: "Hyperbolic completions API (OpenAI-compatible)",
  },
  fireworks: {
    samplingControls: ["topK", "minP", "logitBias"],
    baseURL: "https://api.fireworks.ai/inference/v1",
    apiKeyEnv: "FIREWORKS_API_KEY",
    ...HOSTED,
    ...COMPLETIONS_DEFAULTS,
    nativeN: true,
    maxLogprobs: 5,
    source: "Fireworks completions API (OpenAI-compatible)",
  },
} as const satisfies Record<string, OpenAICompatiblePreset>;

export type OpenAICompatiblePresetName = keyof typeof OPENAI_COMPATIBLE_PRESETS;

export const isOpenAICompatiblePreset = (name: string): name is OpenAICompatiblePresetName =>
  Object.hasOwn(OPENAI_COMPATIBLE_PRESETS, name);

/** The description of any other OpenAI-compatible server (provider `openai-compatible`): conservative, its key from LOOM_CUSTOM_API_KEY. */
export function customPreset(baseURL: string): OpenAICompatiblePreset {
  return {
    baseURL,
    apiKeyEnv: "LOOM_CUSTOM_API_KEY",
    ...SELF_HOSTED,
    ...COMPLETIONS_DEFAULTS,
    nativeN: true,
    maxLogprobs: 5,
    streamUsage: false,
    // The user's own server: Loom sends what is asked and the server answers for it.
    samplingControls: ["topK", "minP", "logitBias"],
    source: "assumed: the OpenAI completions API",
  };
}
