// Turning the official SDKs' errors (all Stainless-generated, same shapes) into Loom's typed errors.
import { APICallError, GenerationAbortedError, GeneratorError } from "../errors.js";

export interface SdkErrorContext {
  provider: string;
  baseURL: string;
  /** The environment variable holding the key, named in 401/403 messages. */
  envVar?: string;
}

/** The error's name and its classes' names: SDK errors keep `name` as "Error", their classes tell them apart. */
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

type SdkLike = Error & { status?: unknown; headers?: unknown; error?: unknown; cause?: unknown };

function headersRecord(headers: unknown): Record<string, string> {
  if (!headers || typeof headers !== "object") return {};
  if (typeof (headers as Headers).forEach === "function" && typeof (headers as Headers).get === "function") {
    const out: Record<string, string> = {};
    (headers as Headers).forEach((v, k) => (out[k] = v));
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

function hintFor(status: number, ctx: SdkErrorContext): string {
  if (status === 401 || status === 403)
    return ` Check the API key${ctx.envVar ? ` in ${ctx.envVar} (or the apiKey option)` : ""}.`;
  if (status === 404) return ` Check the model name and the base URL (${ctx.baseURL}).`;
  if (status === 429) return " Rate limited.";
  return "";
}

/** undici's "terminated" (the socket closed mid-body) and resets surfacing while a body is read, which the SDKs do not wrap. */
function isMidBodyReset(e: SdkLike): boolean {
  if (!(e instanceof TypeError) && !(e instanceof Error)) return false;
  const cause = e.cause as { code?: unknown } | undefined;
  const code = typeof cause?.code === "string" ? cause.code : "";
  return (
    (e instanceof TypeError && e.message === "terminated") ||
    ["UND_ERR_SOCKET", "ECONNRESET", "UND_ERR_BODY_TIMEOUT"].includes(code)
  );
}

/** Map any error thrown by an SDK call (or by our response parsing) to an abort, an `APICallError`, or a `GeneratorError`. */
export function fromSdkError(error: unknown, ctx: SdkErrorContext, signal?: AbortSignal): Error {
  if (GeneratorError.isInstance(error)) return error;
  const e = error as SdkLike;
  const names = classNames(e);
  const is = (name: string) => names.includes(name);
  if (signal?.aborted || is("APIUserAbortError") || is("AbortError"))
    return new GenerationAbortedError(signal?.reason ?? error);
  const base = { provider: ctx.provider, url: ctx.baseURL, cause: error };
  if (typeof e?.status === "number") {
    const status = e.status;
    const detail = bodyMessage(e.error) ?? e.message;
    return new APICallError({
      ...base,
      statusCode: status,
      responseHeaders: headersRecord(e.headers),
      responseBody: e.error === undefined ? undefined : JSON.stringify(e.error),
      message: `${ctx.provider}: HTTP ${status} from ${ctx.baseURL}: ${detail}.${hintFor(status, ctx)}`,
    });
  }
  if (is("APIConnectionTimeoutError")) {
    return new APICallError({
      ...base,
      isRetryable: true,
      message: `${ctx.provider}: request to ${ctx.baseURL} timed out (raise the timeout option if the model is slow)`,
    });
  }
  if (is("APIConnectionError")) {
    const cause = (e.cause as { message?: string; code?: string } | undefined) ?? {};
    const why = cause.code ?? cause.message ?? e.message;
    return new APICallError({
      ...base,
      isRetryable: true,
      message: `${ctx.provider}: connection to ${ctx.baseURL} failed (${why})`,
    });
  }
  if (isMidBodyReset(e)) {
    return new APICallError({
      ...base,
      isRetryable: true,
      message: `${ctx.provider}: the connection to ${ctx.baseURL} was reset while the response was arriving (${e.message})`,
    });
  }
  if (error instanceof SyntaxError) {
    return new APICallError({
      ...base,
      isRetryable: false,
      message: `${ctx.provider}: malformed response body from ${ctx.baseURL}: ${error.message}`,
    });
  }
  return new GeneratorError("invalid_response", `${ctx.provider}: ${e?.message ?? String(error)}`, { cause: error });
}
