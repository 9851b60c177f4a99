// Named presets for servers that speak the OpenAI completions API: base URLs, key variables and quirks.

export interface OpenAICompatiblePreset {
  /** Default base URL (the `/v1` root). */
  baseURL: string;
  /** Environment variable holding the API key. */
  apiKeyEnv: string;
  /** Whether a key is needed at all (local servers usually accept anything). */
  requiresApiKey: boolean;
  /** The server honours `n` in one request; otherwise the adapter sends `n` concurrent requests. */
  nativeN: boolean;
  /** Largest `logprobs` (top alternatives) the server accepts; 0 when it returns no logprobs. */
  maxLogprobs: number;
  /** The server honours `seed`. */
  seed: boolean;
  /** Extra headers the service wants (e.g. attribution), merged under the user's. */
  headers?: Record<string, string>;
}

export const OPENAI_COMPATIBLE_PRESETS = {
  openai: { baseURL: "https://api.openai.com/v1", apiKeyEnv: "OPENAI_API_KEY", requiresApiKey: true, nativeN: true, maxLogprobs: 5, seed: true },
  vllm: { baseURL: "http://localhost:8000/v1", apiKeyEnv: "VLLM_API_KEY", requiresApiKey: false, nativeN: true, maxLogprobs: 20, seed: true },
  // llama.cpp's server samples one completion per request: `n` is ignored, so fan out.
  llamacpp: { baseURL: "http://localhost:8080/v1", apiKeyEnv: "LLAMACPP_API_KEY", requiresApiKey: false, nativeN: false, maxLogprobs: 20, seed: true },
  // Ollama's OpenAI layer ignores `n` and returns no logprobs on completions.
  ollama: { baseURL: "http://localhost:11434/v1", apiKeyEnv: "OLLAMA_API_KEY", requiresApiKey: false, nativeN: false, maxLogprobs: 0, seed: true },
  // OpenRouter routes to many backends; most ignore `n`, and logprobs depend on the backend.
  openrouter: { baseURL: "https://openrouter.ai/api/v1", apiKeyEnv: "OPENROUTER_API_KEY", requiresApiKey: true, nativeN: false, maxLogprobs: 20, seed: true, headers: { "X-Title": "Loom" } },
  hyperbolic: { baseURL: "https://api.hyperbolic.xyz/v1", apiKeyEnv: "HYPERBOLIC_API_KEY", requiresApiKey: true, nativeN: false, maxLogprobs: 5, seed: true },
  fireworks: { baseURL: "https://api.fireworks.ai/inference/v1", apiKeyEnv: "FIREWORKS_API_KEY", requiresApiKey: true, nativeN: true, maxLogprobs: 5, seed: true },
} as const satisfies Record<string, OpenAICompatiblePreset>;

export type OpenAICompatiblePresetName = keyof typeof OPENAI_COMPATIBLE_PRESETS;

export const isOpenAICompatiblePreset = (name: string): name is OpenAICompatiblePresetName => Object.hasOwn(OPENAI_COMPATIBLE_PRESETS, name);
