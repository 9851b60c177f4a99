// A push-to-pull bridge: producers push events from callbacks, one consumer iterates them in order.
import type { GenerateResult, GenerateStreamEvent } from "@loom/core";

export interface EventChannel<T> extends AsyncIterable<T> {
  push(event: T): void;
  /** End the iteration, with an error to throw at the consumer once the queued events are read. */
  close(error?: unknown): void;
}

export function createEventChannel<T>(): EventChannel<T> {
  const queue: T[] = [];
  let closed = false;
  let failure: { error: unknown } | null = null;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  return {
    push(event) {
      if (closed) return;
      queue.push(event);
      notify();
    },
    close(error) {
      if (closed) return;
      closed = true;
      if (error !== undefined) failure = { error };
      notify();
    },
    async *[Symbol.asyncIterator]() {
      while (true) {
        if (queue.length > 0) {
          yield queue.shift()!;
          continue;
        }
        if (closed) {
          if (failure) throw failure.error;
          return;
        }
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}

/** Run `produce` with a push callback and yield what it pushes, then the value it returns as `done`. */
export async function* streamFrom<E, R>(
  produce: (push: (event: E) => void) => Promise<R>,
  done: (result: R) => E,
): AsyncIterable<E> {
  const channel = createEventChannel<E>();
  produce((e) => channel.push(e)).then(
    (result) => {
      channel.push(done(result));
      channel.close();
    },
    (error) => channel.close(error),
  );
  yield* channel;
}

/** New text of candidate `index`, as a step hears it arrive. */
export interface StepDelta {
  index: number;
  text: string;
}

/** A generator's `stream`: the step's text deltas as `delta` events as they arrive, then its result as `done`. */
export function streamStep(
  run: (onDelta: (delta: StepDelta) => void) => Promise<GenerateResult>,
): AsyncIterable<GenerateStreamEvent> {
  return streamFrom<GenerateStreamEvent, GenerateResult>(
    (push) => run((delta) => push({ type: "delta", index: delta.index, text: delta.text })),
    (result) => ({ type: "done", result }),
  );
}
