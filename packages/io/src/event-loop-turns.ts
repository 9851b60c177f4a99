// Lets a long read of a big session hand the event loop a turn every few milliseconds, so a server reading one session still answers every other request meanwhile.

/** How long a read runs before it gives the event loop a turn: short enough that a reply waits no longer. */
const SLICE_MS = 15;

/**
 * A function to call between units of work: it returns a promise to await once `sliceMs` have passed since the
 * last turn (resolved on the next turn of the event loop, after pending I/O), else undefined, so the common
 * call costs one clock read.
 */
export function eventLoopTurns(sliceMs = SLICE_MS): () => Promise<void> | undefined {
  let since = performance.now();
  return () => {
    if (performance.now() - since < sliceMs) return undefined;
    return nextTurn().then(() => {
      since = performance.now();
    });
  };
}

/** A promise resolved on the next turn of the event loop, after pending I/O. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
