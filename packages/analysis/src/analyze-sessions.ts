// The one call behind `loom analyze`: find the sessions, read each read-only (on worker threads when there are many), aggregate.
import { analyzeFacts, type AnalysisReport, type SkippedSession } from "./aggregate.js";
import { aggregateOptionsChecked, type AnalyzeOptions } from "./analyze-options.js";
import { AnalysisError } from "./analysis-error.js";
import { defaultWorkers, readOnWorkers } from "./facts-pool.js";
import { findSessionDirs } from "./find-sessions.js";
import type { SessionStore } from "@loom/io";
import { readSessionFacts } from "./read-session-facts.js";
import { readStoredSessionFacts } from "./read-stored-facts.js";
import type { SessionFacts } from "./session-facts.js";

export interface LoadOptions {
  /** Where relative paths and globs start (default: the process's working directory). */
  cwd?: string;
  /**
   * Sessions read at once on this thread (without workers). Default 2 for directories: reading one is mostly CPU (inflating, parsing), and every
   * session in flight holds its records, which the collector then has to promote and sweep (1 or 2 at once cost
   * ≈ 20 % less CPU than 8, bench/MEASUREMENTS.md); 8 for a store's sessions, read mostly waiting on the database.
   */
  concurrency?: number;
  /**
   * Worker threads reading session directories, each one session at a time (the aggregation stays on this
   * thread, over the same facts). 0 reads on this thread, `concurrency` at a time. Default: one a core when
   * there are at least 16 sessions and more than one core, else 0. A store's sessions are read on this thread.
   */
  workers?: number;
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
  const workers = options.workers;
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 0 || workers > 256))
    throw new AnalysisError("bad_option", `workers must be an integer from 0 to 256 (got ${workers})`);
  const dirs = stored ? [...stored.ids] : await findSessionDirs(inputs, options.cwd);
  let done = 0;
  const onRead = () => options.onProgress?.(++done, dirs.length);
  const width = stored ? 0 : Math.min(workers ?? defaultWorkers(dirs.length), dirs.length);
  const pooled = width > 0 ? await readOnWorkers(dirs, width, onRead) : null;
  let results: (SessionFacts | null)[];
  let failures: Map<number, string>;
  if (pooled) ({ results, failures } = pooled);
  else {
    results = new Array(dirs.length).fill(null);
    failures = new Map();
    const read = stored ? (id: string) => readStoredSessionFacts(stored.store, id) : readSessionFacts;
    let next = 0;
    const reader = async () => {
      while (next < dirs.length) {
        const i = next++;
        try {
          results[i] = await read(dirs[i]!);
        } catch (error) {
          failures.set(i, (error as Error).message);
        }
        onRead();
      }
    };
    const concurrency = Math.max(1, Math.min(options.concurrency ?? (stored ? 8 : 2), dirs.length));
    await Promise.all(Array.from({ length: concurrency }, reader));
  }
  // In the order the sessions were named, however the reads finished.
  const skipped: SkippedSession[] = [...failures.keys()]
    .sort((a, b) => a - b)
    .map((i) => ({ path: dirs[i]!, error: failures.get(i)! }));
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
