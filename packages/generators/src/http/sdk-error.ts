// Turning a failed SDK call into a generator error: core's reading of SDK failures, wrapped in this package's classes.
import { describeSdkFailure, readSdkFailure, type SdkCallContext, isRetryableFailure } from "@loom/core/internal";
import { APICallError, GenerationAbortedError, GeneratorError } from "../errors.js";

export type SdkErrorContext = SdkCallContext;

/** Map any error thrown by an SDK call (or by our response parsing) to an abort, an `APICallError`, or a `GeneratorError`. */
export function fromSdkError(error: unknown, ctx: SdkErrorContext, signal?: AbortSignal): Error {
  if (GeneratorError.isInstance(error)) return error;
  const failure = readSdkFailure(error, signal);
  if (failure.kind === "aborted") return new GenerationAbortedError(signal?.reason ?? error);
  const message = describeSdkFailure(failure, ctx);
  if (failure.kind === "other") return new GeneratorError("invalid_response", message, { cause: error });
  const base = { provider: ctx.provider, url: ctx.baseURL, cause: error, message };
  if (failure.kind === "http") {
    return new APICallError({
      ...base,
      statusCode: failure.status,
      responseHeaders: failure.headers,
      responseBody: failure.body === undefined ? undefined : JSON.stringify(failure.body),
    });
  }
  return new APICallError({ ...base, isRetryable: isRetryableFailure(failure) });
}

/**
 * `fromSdkError` for a streamed call: text already streamed cannot be taken back, so a stream that breaks after
 * text arrived is reported as not retryable, whatever broke it.
 */
export function fromStreamError(
  error: unknown,
  ctx: SdkErrorContext,
  signal: AbortSignal | undefined,
  textArrived: boolean,
): Error {
  const mapped = fromSdkError(error, ctx, signal);
  if (!textArrived || !APICallError.isInstance(mapped) || !mapped.isRetryable) return mapped;
  return new APICallError({
    ...mapped,
    message: `${mapped.message} (the stream broke after text arrived; not retried)`,
    isRetryable: false,
    cause: error,
  });
}
