// Reading a failure thrown by a vendor SDK call (OpenAI, Together, Anthropic: all Stainless-generated, same shapes)
// once, for every package that calls one: what happened, whether a later try may work, and words for the user.
import { isRetryableStatus } from "../errors.js";

/** What went wrong with a service call, independent of which package made it. */
export type SdkFailure =
  | { kind: "aborted" }
  | { kind: "http"; status: number; headers: Record<string, string>; body: unknown; detail: string }
  | { kind: "timeout" }
  | { kind: "connection"; detail: string }
  /** The socket closed or reset while the response body was arriving (undici does not wrap these). */
  | { kind: "reset"; detail: string }
  /** The response body was not the JSON it should be. */
  | { kind: "malformed"; detail: string }
  | { kind: "other"; detail: string };

export interface SdkCallContext {
  /** The service's name as the user knows it ("OpenAI", "Together", "Anthropic"). */
  provider: string;
  baseURL: string;
  /** The environment variable holding the key, named in 401/403 messages. */
  envVar?: string;
}

/**
 * The error's own name and its classes' names. Foreign errors carry no family marker and SDK errors keep
 * `name` as "Error", so their class names are the only thing that tells them apart: this is the one place
 * where Loom reads error names.
 */
function classNames(error: unknown): string[] {
  const names: string[] = [];
  if (typeof error !== "object" || error === null) return names;
  const own = (error as { name?: unknown }).name;
  if (typeof own === "string") names.push(own);
  for (let p = Object.getPrototypeOf(error); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    const ctor = (p as { constructor?: { name?: string } }).constructor;
    if (ctor?.name) names.push(ctor.name);
  }
  return names;
}

/** A foreign abort: the platform's `AbortError` (DOMException) or an SDK's `APIUserAbortError`. */
export function isForeignAbort(error: unknown): boolean {
  const names = classNames(error);
  return names.includes("AbortError") || names.includes("APIUserAbortError");
}

function headersRecord(headers: unknown): Record<string, string> {
  if (!headers || typeof headers !== "object") return {};
  if (typeof (headers as Headers).forEach === "function" && typeof (headers as Headers).get === "function") {
    const out: Record<string, string> = {};
    (headers as Headers).forEach((v, k) => {
      out[k] = v;
    });
    return out;
  }
  return Object.fromEntries(
    Object.entries(headers as Record<string, unknown>).map(([k, v]) => [k.toLowerCase(), String(v)]),
  );
}

function bodyMessage(body: unknown): string | null {
  if (!body || typeof body !== "object") return typeof body === "string" ? body : null;
  const b = body as { message?: unknown; error?: unknown };
  if (typeof b.message === "string") return b.message;
  if (b.error && typeof b.error === "object" && typeof (b.error as { message?: unknown }).message === "string")
    return (b.error as { message: string }).message;
  if (typeof b.error === "string") return b.error;
  return null;
}

type SdkLike = { status?: unknown; headers?: unknown; error?: unknown; cause?: unknown; message?: unknown };

function messageOf(error: unknown): string {
  const m = (error as SdkLike | null)?.message;
  return typeof m === "string" ? m : String(error);
}

/** undici's "terminated" and socket resets surfacing while a body is read. */
function isMidBodyReset(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const cause = error.cause as { code?: unknown } | undefined;
  const code = typeof cause?.code === "string" ? cause.code : "";
  return (
    (error instanceof TypeError && error.message === "terminated") ||
    ["UND_ERR_SOCKET", "ECONNRESET", "UND_ERR_BODY_TIMEOUT"].includes(code)
  );
}

/** Classify anything an SDK call (or the parsing of its response) threw. */
export function readSdkFailure(error: unknown, signal?: AbortSignal): SdkFailure {
  const names = classNames(error);
  if (signal?.aborted || names.includes("APIUserAbortError") || names.includes("AbortError"))
    return { kind: "aborted" };
  const e = (typeof error === "object" && error !== null ? error : {}) as SdkLike;
  if (typeof e.status === "number") {
    return {
      kind: "http",
      status: e.status,
      headers: headersRecord(e.headers),
      body: e.error,
      detail: bodyMessage(e.error) ?? messageOf(error),
    };
  }
  if (names.includes("APIConnectionTimeoutError")) return { kind: "timeout" };
  if (names.includes("APIConnectionError")) {
    const cause = (e.cause as { message?: string; code?: string } | undefined) ?? {};
    return { kind: "connection", detail: cause.code ?? cause.message ?? messageOf(error) };
  }
  if (isMidBodyReset(error)) return { kind: "reset", detail: messageOf(error) };
  if (error instanceof SyntaxError) return { kind: "malformed", detail: error.message };
  return { kind: "other", detail: messageOf(error) };
}

/** Whether the same call may succeed later: retryable statuses, timeouts, failed connections and resets. */
export function isRetryableFailure(failure: SdkFailure): boolean {
  switch (failure.kind) {
    case "http":
      return isRetryableStatus(failure.status);
    case "timeout":
    case "connection":
    case "reset":
      return true;
    default:
      return false;
  }
}

/** What the user can do about an HTTP status, as a sentence to append (empty when there is nothing to say). */
function statusHint(status: number, ctx: SdkCallContext): string {
  if (status === 401 || status === 403)
    return ` Check the API key${ctx.envVar ? ` in ${ctx.envVar} (or the apiKey option)` : ""}.`;
  if (status === 404) return ` Check the model name and the base URL (${ctx.baseURL}).`;
  if (status === 429) return " Rate limited.";
  return "";
}

/** The failure in words, naming the service, the address and what to check. */
export function describeSdkFailure(failure: SdkFailure, ctx: SdkCallContext): string {
  switch (failure.kind) {
    case "aborted":
      return `${ctx.provider}: request aborted`;
    case "http":
      return `${ctx.provider}: HTTP ${failure.status} from ${ctx.baseURL}: ${failure.detail}.${statusHint(failure.status, ctx)}`;
    case "timeout":
      return `${ctx.provider}: request to ${ctx.baseURL} timed out (raise the timeout option if the model is slow)`;
    case "connection":
      return `${ctx.provider}: connection to ${ctx.baseURL} failed (${failure.detail})`;
    case "reset":
      return `${ctx.provider}: the connection to ${ctx.baseURL} was reset while the response was arriving (${failure.detail})`;
    case "malformed":
      return `${ctx.provider}: malformed response body from ${ctx.baseURL}: ${failure.detail}`;
    case "other":
      return `${ctx.provider}: ${failure.detail}`;
  }
}
