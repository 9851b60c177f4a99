// Turning a failed SDK call into a SelectorError: core's reading of SDK failures, wrapped in this package's class.
import { describeSdkFailure, isRetryableFailure, readSdkFailure, type SdkCallContext } from "@loom/core/internal";
import { SelectorError } from "./selector-error.js";

export function toSelectorError(error: unknown, ctx: SdkCallContext, signal?: AbortSignal): SelectorError {
  if (SelectorError.isInstance(error)) return error;
  const failure = readSdkFailure(error, signal);
  const message = describeSdkFailure(failure, ctx);
  if (failure.kind === "aborted") return new SelectorError("aborted", message, { cause: error });
  return new SelectorError("provider", message, {
    status: failure.kind === "http" ? failure.status : null,
    retryable: isRetryableFailure(failure),
    cause: error,
  });
}

/** Run one SDK call, turning whatever it throws into a SelectorError. */
export async function providerCall<T>(
  ctx: SdkCallContext,
  signal: AbortSignal | undefined,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toSelectorError(error, ctx, signal);
  }
}
