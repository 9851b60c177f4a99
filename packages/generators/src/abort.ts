// Abort helpers shared by every generator: check a signal, and sleep in a way a signal can cut short.
import { GenerationAbortedError } from "./errors.js";

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new GenerationAbortedError(signal.reason);
}

/** Wait `ms`, or reject with `GenerationAbortedError` as soon as `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new GenerationAbortedError(signal.reason));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new GenerationAbortedError(signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
