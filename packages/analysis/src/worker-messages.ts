// What the main thread and a session-reading worker say to each other (session-worker.ts, facts-pool.ts).
import type { PackedFacts } from "./facts-transfer.js";

/** Read the session in `dir`; `index` is its place in the caller's list. */
export interface ReadRequest {
  index: number;
  dir: string;
}

/** A session's facts, or why it could not be read (the error's message, as the main thread's own read reports it). */
export type ReadReply = { index: number; facts: PackedFacts } | { index: number; error: string };
