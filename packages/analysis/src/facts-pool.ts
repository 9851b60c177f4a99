// Reads sessions' facts on worker threads (session-worker.ts), each worker one session at a time; the main thread only hands out directories and collects.
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { AnalysisError } from "./analysis-error.js";
import { unpackFacts } from "./facts-transfer.js";
import type { SessionFacts } from "./session-facts.js";
import type { ReadReply, ReadRequest } from "./worker-messages.js";

/** Fewer sessions than this are read on the main thread by default: starting a worker costs a few sessions' reading. */
export const MIN_SESSIONS_FOR_WORKERS = 16;

/** Sessions handed to a worker ahead of the one it reads, so it never waits for the main thread between two. */
const AHEAD = 2;

/** How many workers read `sessions` sessions when the caller did not say: one a core, none for a few sessions or one core. */
export function defaultWorkers(sessions: number): number {
  const cores = availableParallelism();
  return cores > 1 && sessions >= MIN_SESSIONS_FOR_WORKERS ? Math.min(cores, sessions) : 0;
}

/**
 * A worker reading sessions: the built script beside this module (dist/, or the CLI's bundle), or when this
 * module runs from its TypeScript sources (the package's tests, benches run through tsx) the .ts file, loaded
 * through tsx. Null when neither is there (a bundle that left the worker out): the caller reads on its own thread.
 */
function startWorker(): Worker | null {
  const built = new URL("./session-worker.js", import.meta.url);
  if (existsSync(fileURLToPath(built))) return new Worker(built);
  const source = new URL("./session-worker.ts", import.meta.url);
  if (!existsSync(fileURLToPath(source))) return null;
  const tsx = import.meta.resolve("tsx/esm/api");
  const boot = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source.href)}); })`;
  return new Worker(boot, { eval: true });
}

export interface PoolRead {
  /** By the index of its directory; null where the session could not be read. */
  results: (SessionFacts | null)[];
  /** The sessions that could not be read, by index, with the reader's message. */
  failures: Map<number, string>;
}

/**
 * Reads the sessions in `dirs` on `workers` threads; `onRead` after each one. Null when no worker can be
 * started here (see startWorker). A session that cannot be read is a failure of its own; a worker that
 * stops (its script failing to load, memory running out) fails the whole read with AnalysisError.
 */
export async function readOnWorkers(
  dirs: readonly string[],
  workers: number,
  onRead: () => void,
): Promise<PoolRead | null> {
  const pool: Worker[] = [];
  for (let i = 0; i < workers; i++) {
    const w = startWorker();
    if (w === null) break;
    pool.push(w);
  }
  if (pool.length === 0) return null;
  const results: (SessionFacts | null)[] = new Array(dirs.length).fill(null);
  const failures = new Map<number, string>();
  let next = 0;
  let done = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const handOut = (w: Worker) => {
        if (next < dirs.length) w.postMessage({ index: next, dir: dirs[next++]! } satisfies ReadRequest);
      };
      const stopped = (why: string) =>
        reject(
          new AnalysisError("worker_failed", `a worker reading sessions stopped: ${why}`, {
            hint: "read on the main thread instead (loom analyze --workers 0)",
          }),
        );
      for (const w of pool) {
        w.on("message", (reply: ReadReply) => {
          if ("error" in reply) failures.set(reply.index, reply.error);
          else results[reply.index] = unpackFacts(reply.facts);
          onRead();
          if (++done === dirs.length) resolve();
          else handOut(w);
        });
        w.on("error", (error) => stopped(error.message));
        w.on("exit", (code) => stopped(`it exited (code ${code})`));
        for (let k = 0; k < AHEAD; k++) handOut(w);
      }
      if (dirs.length === 0) resolve();
    });
  } finally {
    for (const w of pool) w.removeAllListeners("exit");
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return { results, failures };
}
