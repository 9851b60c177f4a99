// Running one request per candidate with a concurrency cap, all-or-nothing: a step never comes back half done.
import { GenerationAbortedError, PartialStepError, isAbortError } from "../errors.js";

/**
 * Run `task(index, signal)` for indexes 0..count-1, at most `concurrency` at a time.
 *
 * Each task is expected to do its own retrying. When one still fails, the others are aborted
 * (no point paying for a step that will be discarded) and the step fails: with that error if
 * every failure is the same kind, else with a `PartialStepError` listing them. An abort of
 * `signal` aborts every task and throws `GenerationAbortedError`.
 */
export async function fanOut<T>(
  count: number,
  concurrency: number,
  task: (index: number, signal: AbortSignal) => Promise<T>,
  signal?: AbortSignal,
): Promise<T[]> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal?.reason);
  if (signal?.aborted) throw new GenerationAbortedError(signal.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  const results: T[] = new Array(count);
  const failures: { index: number; error: unknown }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count && !controller.signal.aborted) {
      const index = next++;
      try {
        results[index] = await task(index, controller.signal);
      } catch (error) {
        if (!controller.signal.aborted) failures.push({ index, error });
        controller.abort(error);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, worker));
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
  if (signal?.aborted) throw new GenerationAbortedError(signal.reason);
  const first = failures[0];
  if (first) {
    if (
      failures.length === 1 ||
      failures.every((f) => (f.error as Error)?.constructor === (first.error as Error)?.constructor)
    ) {
      if (!isAbortError(first.error)) throw first.error;
    }
    throw new PartialStepError(
      `${failures.length} of ${count} candidates failed; the step was discarded: ${(first.error as Error)?.message}`,
      failures,
    );
  }
  return results;
}
