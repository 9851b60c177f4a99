// Injected sources of ids and time, so operations stay deterministic under test and replay.
export interface LoomEnv {
  /** A new unique id; `kind` lets an implementation prefix ids by what they name. */
  newId(kind: "node" | "decision" | "session"): string;
  /** The current time as an ISO-8601 string. */
  now(): string;
}

const prefixes = { node: "n", decision: "d", session: "s" } as const;

export const defaultEnv: LoomEnv = {
  newId: (kind) => `${prefixes[kind]}_${globalThis.crypto.randomUUID().replace(/-/g, "").slice(0, 16)}`,
  now: () => new Date().toISOString(),
};

/** A deterministic env: sequential ids and a clock that ticks one millisecond per call. */
export function sequentialEnv(start = Date.UTC(2026, 0, 1)): LoomEnv {
  let counter = 0;
  let clock = start;
  return {
    newId: (kind) => `${prefixes[kind]}_${(++counter).toString(36).padStart(6, "0")}`,
    now: () => new Date(clock++).toISOString(),
  };
}
