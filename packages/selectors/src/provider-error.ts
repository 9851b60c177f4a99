// Turning SDK failures (HTTP status, connection, abort) into SelectorError with a retryable flag.
import { SelectorError } from "./selector-error.js";

/** Retryable like most HTTP clients: timeouts, conflicts, rate limits and server errors. */
export function isRetryableStatus(status: number | null): boolean {
  return status === null || status === 408 || status === 409 || status === 429 || status >= 500;
}

export function toSelectorError(error: unknown, provider: string, signal?: AbortSignal): SelectorError {
  if (SelectorError.isInstance(error)) return error;
  const e = error as { name?: string; status?: unknown; message?: string };
  if (signal?.aborted || e?.name === "AbortError" || e?.name === "APIUserAbortError") {
    return new SelectorError("aborted", `${provider} request aborted`, { cause: error });
  }
  const status = typeof e?.status === "number" ? e.status : null;
  const what = status === null ? "could not be reached" : `answered HTTP ${status}`;
  const hint = status === 401 || status === 403 ? " (check the API key)" : status === 404 ? " (check the model name and base URL)" : "";
  return new SelectorError("provider", `${provider} ${what}${hint}: ${e?.message ?? String(error)}`, {
    status,
    retryable: isRetryableStatus(status),
    cause: error,
  });
}
