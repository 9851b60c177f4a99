// Typed generator errors (members of core's error family): each class names its `kind`, so `isInstance` works across bundles and copies.
import { LoomBaseError } from "@loom/core";
import { errorKind, isForeignAbort, isRetryableStatus, type LoomBaseErrorOptions } from "@loom/core/internal";

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
export class GeneratorError extends LoomBaseError<GeneratorErrorCode> {
  static override readonly isInstance = errorKind<GeneratorError>("GeneratorError");
  constructor(code: GeneratorErrorCode, message: string, options?: LoomBaseErrorOptions) {
    super(code, message, options);
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

/** A failed call to a provider's API. Retryable for 408, 409, 429, ≥ 500, connection resets and timeouts. */
export class APICallError extends GeneratorError {
  static override readonly isInstance = errorKind<APICallError>("APICallError");
  readonly provider: string;
  readonly url: string | undefined;
  readonly statusCode: number | undefined;
  readonly responseHeaders: Record<string, string>;
  readonly responseBody: string | undefined;
  /** vercel/ai's name for the family's `retryable`; the two always agree. */
  readonly isRetryable: boolean;

  constructor(init: APICallErrorInit) {
    const isRetryable = init.isRetryable ?? (init.statusCode !== undefined && isRetryableStatus(init.statusCode));
    super("api_call", init.message, { cause: init.cause, retryable: isRetryable });
    this.provider = init.provider;
    this.url = init.url;
    this.statusCode = init.statusCode;
    this.responseHeaders = init.responseHeaders ?? {};
    this.responseBody = init.responseBody;
    this.isRetryable = isRetryable;
  }
}

/** No API key was given and the environment variable that would hold it is unset. */
export class MissingApiKeyError extends GeneratorError {
  static override readonly isInstance = errorKind<MissingApiKeyError>("MissingApiKeyError");
  constructor(
    readonly provider: string,
    readonly envVar: string,
    baseURL?: string,
  ) {
    super(
      "missing_api_key",
      `${provider}: no API key${baseURL ? ` for ${baseURL}` : ""}. Set the ${envVar} environment variable or pass apiKey.`,
    );
  }
}

/** Some candidates of a step failed and retrying did not recover them; no partial step is returned. */
export class PartialStepError extends GeneratorError {
  static override readonly isInstance = errorKind<PartialStepError>("PartialStepError");
  constructor(
    message: string,
    readonly failures: { index: number; error: unknown }[],
  ) {
    super("partial_step", message, { cause: failures[0]?.error });
  }
}

/** An aborted generation: thrown instead of returning a half step. */
export class GenerationAbortedError extends GeneratorError {
  static override readonly isInstance = errorKind<GenerationAbortedError>("GenerationAbortedError");
  override name = "AbortError";
  constructor(reason?: unknown) {
    super(
      "aborted",
      reason instanceof Error && reason.message ? `generation aborted: ${reason.message}` : "generation aborted",
      {
        cause: reason,
      },
    );
  }
}

/** True for any abort: a Loom error with the code `aborted` (from any package), the platform's `AbortError`, or an SDK's user-abort error. */
export function isAbortError(error: unknown): boolean {
  if (LoomBaseError.isInstance(error)) return error.code === "aborted";
  return isForeignAbort(error);
}
