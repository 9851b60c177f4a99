// Injected sources of ids and time, so operations stay deterministic under test and replay.
export interface LoomEnv {
  /** A new unique id; `kind` lets an implementation prefix ids by what they name. */
  newId(kind: "node" | "decision" | "session"): string;
  /** The current time as an ISO-8601 string. */
  now(): string;
}

const prefixes = { node: "n", decision: "d", session: "s" } as const;

/*
 * Why: an id was the first 16 hex digits of a randomUUID with its dashes removed, ~400 bytes of short-lived
 * strings each (the UUID is concatenated from pieces, then replaced and sliced): nine ids a decision were a
 * good part of what adding candidates allocated, and every young-generation collection that falls in a commit
 * lengthens it (bench/MEASUREMENTS.md). Drawn here from a pool of random bytes filled 4 KB at a time (randomUUID
 * keeps such a pool too) and written as character codes into one string: ~40 bytes an id, and 64 random bits
 * where the UUID's first 16 digits held 60 (its version digit is fixed).
 */
const pool = new Uint8Array(4096);
let poolAt = pool.length;
const HEX = Array.from("0123456789abcdef", (c) => c.charCodeAt(0));
/** The id's character codes, reused: String.fromCharCode.apply reads them into the one string it makes. */
const idCodes: number[] = new Array(18).fill(95);

function randomId(kind: keyof typeof prefixes): string {
  if (poolAt + 8 > pool.length) {
    globalThis.crypto.getRandomValues(pool);
    poolAt = 0;
  }
  idCodes[0] = prefixes[kind].charCodeAt(0);
  for (let i = 2; i < 18; i += 2) {
    const b = pool[poolAt++]!;
    idCodes[i] = HEX[b >> 4]!;
    idCodes[i + 1] = HEX[b & 15]!;
  }
  return String.fromCharCode.apply(null, idCodes);
}

export const defaultEnv: LoomEnv = {
  newId: randomId,
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
