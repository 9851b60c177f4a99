// Typed generator errors: a stable marker per class so `isInstance` works across bundles and copies.

const generatorMarker = Symbol.for("loom.error.GeneratorError");
const apiCallMarker = Symbol.for("loom.error.APICallError");

export type GeneratorErrorCode =
  | "api_call"
  | "missing_api_key"
  | "unknown_provider"
  | "invalid_request"
  | "invalid_response"
  | "partial_step"
  | "script_exhausted"
  | "model_load"
  | "aborted";

/** Every error a generator throws on purpose; `code` says which kind without an instanceof check. */
export class GeneratorError extends Error {
  readonly [generatorMarker] = true;
  override name = "GeneratorError";
  constructor(
    readonly code: GeneratorErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  static isInstance(error: unknown): error is GeneratorError {
    return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[generatorMarker] === true;
  }
}

export interface APICallErrorInit {
  message: string;
  provider: string;
  url?: string;
  statusCode?: number;
  responseHeaders?: Record<string, string>;
  responseBody?: string;
  /** Overrides the status-based rule (e.g. true for a connection reset or a timeout). */
  isRetryable?: boolean;
  cause?: unknown;
}

/** HTTP statuses worth another try: the request may succeed unchanged. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** A failed call to a provider's API. Retryable for 408, 409, 429, ≥ 500, connection resets and timeouts. */
export class APICallError extends GeneratorError {
  readonly [apiCallMarker] = true;
  override name = "APICallError";
  readonly provider: string;
  readonly url: string | undefined;
  readonly statusCode: number | undefined;
  readonly responseHeaders: Record<string, string>;
  readonly responseBody: string | undefined;
  readonly isRetryable: boolean;

  constructor(init: APICallErrorInit) {
    super("api_call", init.message, { cause: init.cause });
    this.provider = init.provider;
    this.url = init.url;
    this.statusCode = init.statusCode;
    this.responseHeaders = init.responseHeaders ?? {};
    this.responseBody = init.responseBody;
    this.isRetryable = init.isRetryable ?? (init.statusCode !== undefined && isRetryableStatus(init.statusCode));
  }

  static override isInstance(error: unknown): error is APICallError {
    return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[apiCallMarker] === true;
  }
}

/** No API key was given and the environment variable that would hold it is unset. */
export class MissingApiKeyError extends GeneratorError {
  override name = "MissingApiKeyError";
  constructor(
    readonly provider: string,
    readonly envVar: string,
    baseURL?: string,
  ) {
    super("missing_api_key", `${provider}: no API key${baseURL ? ` for ${baseURL}` : ""}. Set the ${envVar} environment variable or pass apiKey.`);
  }
}

/** Some candidates of a step failed and retrying did not recover them; no partial step is returned. */
export class PartialStepError extends GeneratorError {
  override name = "PartialStepError";
  constructor(
    message: string,
    readonly failures: { index: number; error: unknown }[],
  ) {
    super("partial_step", message, { cause: failures[0]?.error });
  }
}

/** An aborted generation: thrown instead of returning a half step. */
export class GenerationAbortedError extends GeneratorError {
  override name = "AbortError";
  constructor(reason?: unknown) {
    super("aborted", reason instanceof Error && reason.message ? `generation aborted: ${reason.message}` : "generation aborted", {
      cause: reason,
    });
  }
}

/** True for any abort, whether ours, the platform's `AbortError`, or an SDK's user-abort error. */
export function isAbortError(error: unknown): boolean {
  if (GeneratorError.isInstance(error)) return error.code === "aborted";
  if (typeof error !== "object" || error === null) return false;
  const name = (error as { name?: unknown }).name;
  return name === "AbortError" || name === "APIUserAbortError";
}
