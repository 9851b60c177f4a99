// Turning SDK failures (HTTP status, connection, abort) into SelectorError with a retryable flag.
import { isRetryableStatus } from "@loom/core";
import { SelectorError } from "./selector-error.js";

export function toSelectorError(error: unknown, provider: string, signal?: AbortSignal): SelectorError {
  if (SelectorError.isInstance(error)) return error;
  const e = error as { name?: string; status?: unknown; message?: string };
  if (signal?.aborted || e?.name === "AbortError" || e?.name === "APIUserAbortError") {
    return new SelectorError("aborted", `${provider} request aborted`, { cause: error });
  }
  const status = typeof e?.status === "number" ? e.status : null;
  const what = status === null ? "could not be reached" : `answered HTTP ${status}`;
  const hint =
    status === 401 || status === 403
      ? " (check the API key)"
      : status === 404
        ? " (check the model name and base URL)"
        : "";
  return new SelectorError("provider", `${provider} ${what}${hint}: ${e?.message ?? String(error)}`, {
    status,
    // No status: the service could not be reached, which a later try may well do.
    retryable: status === null || isRetryableStatus(status),
    cause: error,
  });
}
