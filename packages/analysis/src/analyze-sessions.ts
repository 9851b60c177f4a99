// The one call behind `loom analyze`: find the sessions, read each read-only with bounded concurrency, aggregate.
import { analyzeFacts, type AnalysisReport, type SkippedSession } from "./aggregate.js";
import { aggregateOptionsChecked, type AnalyzeOptions } from "./analyze-options.js";
import { findSessionDirs } from "./find-sessions.js";
import type { SessionStore } from "@loom/io";
import { readSessionFacts } from "./read-session-facts.js";
import { readStoredSessionFacts } from "./read-stored-facts.js";
import type { SessionFacts } from "./session-facts.js";

export interface LoadOptions {
  /** Where relative paths and globs start (default: the process's working directory). */
  cwd?: string;
  /**
   * Sessions read at once. Default 2 for directories: reading one is mostly CPU (inflating, parsing), and every
   * session in flight holds its records, which the collector then has to promote and sweep (1 or 2 at once cost
   * ≈ 20 % less CPU than 8, bench/MEASUREMENTS.md); 8 for a store's sessions, read mostly waiting on the database.
   */
  concurrency?: number;
  /** Called after each session is read (or fails), for progress. */
  onProgress?: (done: number, total: number) => void;
  /** Read these sessions of a store (a database's) instead of the directories `inputs` name. */
  stored?: { store: SessionStore; ids: readonly string[] };
}

/** Reads the named sessions' facts; a session that cannot be read is skipped, with why. */
export async function loadSessionFacts(
  inputs: readonly string[],
  options: LoadOptions = {},
): Promise<{ sessions: SessionFacts[]; skipped: SkippedSession[] }> {
  const { stored } = options;
  const dirs = stored ? [...stored.ids] : await findSessionDirs(inputs, options.cwd);
  const read = stored ? (id: string) => readStoredSessionFacts(stored.store, id) : readSessionFacts;
  const results: (SessionFacts | null)[] = new Array(dirs.length).fill(null);
  const skipped: SkippedSession[] = [];
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < dirs.length) {
      const i = next++;
      try {
        results[i] = await read(dirs[i]!);
      } catch (error) {
        skipped.push({ path: dirs[i]!, error: (error as Error).message });
      }
      options.onProgress?.(++done, dirs.length);
    }
  };
  const width = Math.max(1, Math.min(options.concurrency ?? (stored ? 8 : 2), dirs.length));
  await Promise.all(Array.from({ length: width }, worker));
  return { sessions: results.filter((s): s is SessionFacts => s !== null), skipped };
}

/** Finds, reads and aggregates the sessions named by `inputs` (directories, trees of them, globs). */
export async function analyzeSessions(
  inputs: readonly string[],
  options: AnalyzeOptions & LoadOptions = {},
): Promise<AnalysisReport> {
  aggregateOptionsChecked(options);
  const { sessions, skipped } = await loadSessionFacts(inputs, options);
  return analyzeFacts(sessions, options, skipped);
}
