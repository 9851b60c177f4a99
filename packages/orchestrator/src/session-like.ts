// What the orchestrator needs of a session (met by @loom/io's Session), and an in-memory one for ephemeral runs.
import type { Loom, LoomOp } from "@loom/core";

/** The subset of `@loom/io`'s `Session` the orchestrator uses; any store that journals ops can stand in. */
export interface SessionLike {
  readonly loom: Loom;
  mutate<R extends LoomOp | { op: LoomOp }>(fn: (loom: Loom) => R): R;
  readState<T>(name: string): Promise<T | null>;
  writeState(name: string, value: unknown): Promise<void>;
}

/**
 * A session that lives only in memory: nothing is journaled or saved. For throwaway runs, tests,
 * and the persistence-off baseline of the loop benchmark.
 */
export function memorySession(loom: Loom): SessionLike & { readonly ops: number } {
  const state = new Map<string, string>();
  let ops = 0;
  return {
    loom,
    get ops() {
      return ops;
    },
    mutate(fn) {
      const result = fn(loom);
      ops++;
      return result;
    },
    async readState<T>(name: string) {
      const text = state.get(name);
      return text === undefined ? null : (JSON.parse(text) as T);
    },
    async writeState(name, value) {
      state.set(name, JSON.stringify(value));
    },
  };
}
