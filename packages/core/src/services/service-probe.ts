// What `loom doctor` reports about one configured service after one tiny real request.

export interface ServiceProbe {
  role: "generator" | "selector";
  provider: string;
  model: string;
  baseURL: string | null;
  /** The request got an HTTP answer (any status). */
  reachable: boolean;
  /** The key was accepted (null: not known, e.g. unreachable). */
  auth: boolean | null;
  /** The model answered (false: the service said it does not serve it). */
  modelServed: boolean | null;
  /** `n` candidates in one request (false: Loom sends one request per candidate). */
  nativeN: boolean | null;
  /** Logprobs as they came back: the layout, alternatives seen per token, and the most Loom asks for here. */
  logprobs: { layout: string | null; alternatives: number; limit: number } | null;
  /** Stops the service takes, and those Loom applies to the text itself. */
  stop: { sent: string[]; clientSide: string[] } | null;
  /** Other facts that change what Loom gets (prefill, thinking, sampling control). */
  facts: string[];
  /** What the probe cost. */
  cost: { requests: number; inputTokens: number; outputTokens: number };
  /** Why the probe failed, scrubbed of nothing (the caller's own terminal or server). */
  error: string | null;
  ok: boolean;
}

/** Reachable / auth / model served, read from a failed call's HTTP status (undefined: no answer at all). */
export function classifyFailure(status: number | undefined): Pick<ServiceProbe, "reachable" | "auth" | "modelServed"> {
  if (status === undefined) return { reachable: false, auth: null, modelServed: null };
  if (status === 401 || status === 403) return { reachable: true, auth: false, modelServed: null };
  if (status === 404) return { reachable: true, auth: true, modelServed: false };
  return { reachable: true, auth: status < 500 && status !== 429 ? true : null, modelServed: null };
}

/** The report of a service that could not even be asked: its config did not build (a missing key, an unknown provider). */
export function failedProbe(
  role: ServiceProbe["role"],
  service: { provider: string; model: string; baseURL: string | null },
  error: unknown,
): ServiceProbe {
  return {
    role,
    ...service,
    reachable: false,
    auth: null,
    modelServed: null,
    nativeN: null,
    logprobs: null,
    stop: null,
    facts: [],
    cost: { requests: 0, inputTokens: 0, outputTokens: 0 },
    error: error instanceof Error ? error.message : String(error),
    ok: false,
  };
}
