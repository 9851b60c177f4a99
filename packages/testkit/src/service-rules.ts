// The rules a service enforces on requests, as its documentation and source state them: what a strict replay server checks.
import type { RecordedRequest } from "./replay-server.js";

/** One documented constraint. `check` returns null when the request keeps it, else the service's own 400 message. */
export interface ServiceRule {
  /** Stable name, shown when a test breaks the rule (e.g. "anthropic.stop-sequences-non-whitespace"). */
  name: string;
  /** Only requests to these paths are checked (default: all). */
  paths?: RegExp;
  check(body: Record<string, unknown>, request: RecordedRequest): string | null;
  /** The status the service answers with (default 400). */
  status?: number;
}

export interface ServiceRules {
  service: string;
  /** Where the rules come from (documentation page, server source file). */
  source: string;
  rules: ServiceRule[];
  /** The error body the service sends for a broken rule. */
  errorBody(message: string, rule: ServiceRule): unknown;
}

export interface RuleViolation {
  rule: string;
  message: string;
  method: string;
  path: string;
}

/** Every rule the request breaks, in rule order. */
export function violationsOf(rules: ServiceRules, request: RecordedRequest): { rule: ServiceRule; message: string }[] {
  const body =
    request.json && typeof request.json === "object" && !Array.isArray(request.json)
      ? (request.json as Record<string, unknown>)
      : {};
  const out: { rule: ServiceRule; message: string }[] = [];
  for (const rule of rules.rules) {
    if (rule.paths && !rule.paths.test(request.path)) continue;
    const message = rule.check(body, request);
    if (message !== null) out.push({ rule, message });
  }
  return out;
}

/** Small helpers for writing rules. */
export const isRecord = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x);
export const requireFields = (name: string, fields: string[], paths?: RegExp): ServiceRule => ({
  name,
  ...(paths ? { paths } : {}),
  check: (b) => {
    const missing = fields.filter((f) => b[f] === undefined);
    return missing.length ? `${missing[0]}: Field required` : null;
  },
});
