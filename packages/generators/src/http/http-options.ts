// The options every HTTP adapter accepts: where to send requests, how to authenticate, and how to wait and retry.
import type { RetryOptions } from "../retry.js";
import type { Env } from "./api-key.js";

export interface HttpGeneratorOptions {
  /** The model name the provider knows. */
  model: string;
  /** Overrides the provider's (or preset's) base URL; tests point it at a local replay server. */
  baseURL?: string;
  /** Default: read from the provider's environment variable (named in the error when missing). */
  apiKey?: string;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /** Per-request timeout in ms (default 60 s). A timeout is retryable. */
  timeout?: number;
  retry?: RetryOptions;
  /** Most requests in flight at once when a step fans out into one request per candidate (default 8). */
  maxConcurrency?: number;
  /** Where API keys are looked up (default `process.env`). */
  env?: Env;
  /** Injected `fetch` (default the global one). */
  fetch?: typeof fetch;
}

export const DEFAULT_TIMEOUT_MS = 60_000;
