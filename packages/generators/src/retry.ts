// Retrying API calls: exponential backoff with jitter, honouring retry-after, never retrying aborts or lasting 4xx.
import { abortableSleep, throwIfAborted } from "./abort.js";
import { APICallError, GenerationAbortedError, isAbortError } from "./errors.js";

export interface RetryOptions {
  /** Retries after the first attempt (default 2). */
  maxRetries?: number;
  /** Delay before the first retry (default 500 ms), doubled (×`factor`) each time. */
  initialDelayMs?: number;
  factor?: number;
  /** Longest computed backoff (default 20 s). */
  maxDelayMs?: number;
  /** A `retry-after` longer than this is not waited for: the error is thrown instead (default 60 s). */
  maxRetryAfterMs?: number;
  /** Injected for tests: how to wait, where jitter comes from, and what time it is (for HTTP-date retry-after). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
  /** Told about every retry before its wait. */
  onRetry?: (info: { attempt: number; delayMs: number; error: APICallError }) => void;
}

/** The wait a response asks for, from `retry-after-ms` or `retry-after` (seconds or an HTTP date); null when absent. */
export function retryAfterMs(headers: Record<string, string>, now: () => number = Date.now): number | null {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const ms = Number(lower["retry-after-ms"]);
  if (lower["retry-after-ms"] !== undefined && Number.isFinite(ms) && ms >= 0) return ms;
  const value = lower["retry-after"];
  if (value === undefined || value.trim() === "") return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now());
}

/** The backoff before retry number `attempt` (1-based): exponential, capped, with "equal jitter" so waits never collapse to 0. */
export function backoffMs(attempt: number, options: RetryOptions = {}, random: () => number = Math.random): number {
  const base = Math.min(
    options.maxDelayMs ?? 20_000,
    (options.initialDelayMs ?? 500) * (options.factor ?? 2) ** (attempt - 1),
  );
  return base / 2 + (random() * base) / 2;
}

/**
 * Call `fn` until it succeeds, a failure is not worth repeating, or retries run out.
 *
 * Only `APICallError`s with `isRetryable` are retried. An abort (of `signal`, or surfacing from
 * the SDK) is rethrown at once as `GenerationAbortedError`. The last error is thrown unchanged.
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
  signal?: AbortSignal,
): Promise<T> {
  const maxRetries = options.maxRetries ?? 2;
  const sleep = options.sleep ?? abortableSleep;
  for (let attempt = 0; ; attempt++) {
    throwIfAborted(signal);
    try {
      return await fn(attempt);
    } catch (error) {
      if (signal?.aborted || isAbortError(error))
        throw GenerationAbortedError.isInstance(error) ? error : new GenerationAbortedError(signal?.reason ?? error);
      if (!APICallError.isInstance(error) || !error.isRetryable || attempt >= maxRetries) throw error;
      const asked = retryAfterMs(error.responseHeaders, options.now);
      const cap = options.maxRetryAfterMs ?? 60_000;
      if (asked !== null && asked > cap) {
        throw new APICallError({
          provider: error.provider,
          url: error.url,
          statusCode: error.statusCode,
          responseHeaders: error.responseHeaders,
          responseBody: error.responseBody,
          isRetryable: error.isRetryable,
          cause: error,
          message: `${error.message} The service asked to wait ${Math.ceil(asked / 1000)} s before retrying, longer than the ${Math.round(cap / 1000)} s Loom waits (retry.maxRetryAfterMs); try again later.`,
        });
      }
      const delayMs = asked ?? backoffMs(attempt + 1, options, options.random);
      options.onRetry?.({ attempt: attempt + 1, delayMs, error });
      await sleep(delayMs, signal);
    }
  }
}
