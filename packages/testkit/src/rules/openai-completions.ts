// Completions-endpoint rules of OpenAI-compatible servers: OpenAI, vLLM, llama.cpp's tools/server, OpenRouter, Together, Ollama.
import { requireFields, type ServiceRule, type ServiceRules } from "../service-rules.js";

const COMPLETIONS = /\/completions$/;
const openAIError = (message: string) => ({
  error: { message, type: "invalid_request_error", param: null, code: null },
});
const count = (x: unknown) => (Array.isArray(x) ? x.length : typeof x === "string" ? 1 : 0);
const intAtMost = (name: string, field: string, max: number, message: (v: number) => string): ServiceRule => ({
  name,
  paths: COMPLETIONS,
  check: (b) => {
    const v = b[field];
    if (v === undefined || v === null) return null;
    if (typeof v !== "number" || !Number.isInteger(v)) return `${field}: Input should be a valid integer`;
    return v > max ? message(v) : null;
  },
});

/** The completion models openai 6.49's CompletionCreateParams lists. */
const OPENAI_COMPLETION_MODELS = ["gpt-3.5-turbo-instruct", "davinci-002", "babbage-002"];

export const OPENAI_COMPLETIONS_RULES: ServiceRules = {
  service: "openai-completions",
  source: "openai 6.49 CompletionCreateParams and the API reference (stop: up to 4; logprobs: max 5)",
  errorBody: openAIError,
  rules: [
    requireFields("openai.completions.required-fields", ["model", "prompt"], COMPLETIONS),
    {
      name: "openai.completions.model-served",
      paths: COMPLETIONS,
      status: 404,
      check: (b) =>
        OPENAI_COMPLETION_MODELS.includes(String(b["model"]))
          ? null
          : `The model \`${String(b["model"])}\` does not exist or you do not have access to it.`,
    },
    {
      name: "openai.completions.stop-at-most-4",
      paths: COMPLETIONS,
      check: (b) => (count(b["stop"]) > 4 ? "'stop': array too long. Expected an array with maximum length 4." : null),
    },
    intAtMost(
      "openai.completions.logprobs-at-most-5",
      "logprobs",
      5,
      (v) => `Invalid value for 'logprobs': ${v}. Must be less than or equal to 5.`,
    ),
  ],
};

export const VLLM_RULES: ServiceRules = {
  service: "vllm",
  source: "vLLM entrypoints/openai (CompletionRequest; max_logprobs default 20)",
  errorBody: (message) => ({ object: "error", message, type: "BadRequestError", param: null, code: 400 }),
  rules: [
    requireFields("vllm.required-fields", ["model", "prompt"], COMPLETIONS),
    intAtMost(
      "vllm.logprobs-at-most-20",
      "logprobs",
      20,
      (v) => `Requested sample logprobs of ${v}, which is greater than max allowed: 20`,
    ),
  ],
};

export const LLAMACPP_RULES: ServiceRules = {
  service: "llamacpp",
  source: "llama.cpp tools/server/server-task.cpp params_from_json_cmpl (one slot: -np 1)",
  errorBody: (message) => ({ error: { code: 400, message, type: "invalid_request_error" } }),
  rules: [
    requireFields("llamacpp.required-fields", ["prompt"], COMPLETIONS),
    {
      name: "llamacpp.n-within-slots",
      paths: COMPLETIONS,
      check: (b) =>
        typeof b["n"] === "number" && b["n"] > 1
          ? "n_cmpl cannot be greater than the number of slots, please increase -np"
          : null,
    },
    {
      name: "llamacpp.logprobs-is-a-count",
      paths: COMPLETIONS,
      check: (b) =>
        b["logprobs"] !== undefined && typeof b["logprobs"] !== "number"
          ? "logprobs: must be an integer (the number of top tokens, n_probs)"
          : null,
    },
  ],
};

export const OPENROUTER_RULES: ServiceRules = {
  service: "openrouter",
  source: "OpenRouter API reference (logprobs: boolean; top_logprobs: integer 0-20)",
  errorBody: (message) => ({ error: { code: 400, message } }),
  rules: [
    requireFields("openrouter.required-fields", ["model", "prompt"], COMPLETIONS),
    {
      name: "openrouter.logprobs-is-boolean",
      paths: COMPLETIONS,
      check: (b) =>
        b["logprobs"] !== undefined && typeof b["logprobs"] !== "boolean" ? "logprobs: Expected boolean" : null,
    },
    intAtMost(
      "openrouter.top-logprobs-at-most-20",
      "top_logprobs",
      20,
      () => "top_logprobs: Number must be less than or equal to 20",
    ),
  ],
};

export const TOGETHER_RULES: ServiceRules = {
  service: "together",
  source: "together-ai 0.52 CompletionCreateParams (logprobs: integer 0-20)",
  errorBody: (message) => ({ error: { message, type: "invalid_request_error", param: null, code: null } }),
  rules: [
    requireFields("together.required-fields", ["model", "prompt"], COMPLETIONS),
    intAtMost("together.logprobs-at-most-20", "logprobs", 20, (v) => `logprobs must be between 0 and 20, got ${v}`),
  ],
};

export const OLLAMA_RULES: ServiceRules = {
  service: "ollama",
  source: "Ollama docs/openai.md (/v1/completions)",
  errorBody: (message) => ({ error: { message, type: "invalid_request_error", param: null, code: null } }),
  rules: [requireFields("ollama.required-fields", ["model", "prompt"], COMPLETIONS)],
};
