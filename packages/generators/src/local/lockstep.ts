// A barrier for the candidates of one wave: each asks llama.cpp for its next token only when all of them are ready, so every decode carries the whole wave.

/** The candidates of a wave meet here before each token; one that has finished leaves. */
export interface Lockstep {
  /** Resolves once every candidate still running has arrived, on a later turn of the event loop. */
  arrive(): Promise<void>;
  /** This candidate takes no more tokens: the others no longer wait for it. */
  leave(): void;
}

/**
 * A barrier for `size` candidates.
 *
 * node-llama-cpp decodes whatever sequences have queued a token when its dispatcher looks, and it looks as
 * soon as the previous batch is done: a candidate whose sampled token resolved a little later than the others
 * misses the batch and costs a decode of its own. Released together, on a later turn of the event loop (once the
 * dispatcher has finished with the previous batch), the candidates queue their tokens in the same turn and go as
 * one batch. That turn also lets timers, keys and abort signals through between tokens.
 */
export function lockstep(size: number): Lockstep {
  let running = size;
  let waiting = 0;
  let release: (() => void) | null = null;
  let gate: Promise<void> | null = null;
  const openIfAllArrived = () => {
    if (waiting === 0 || waiting < running || !release) return;
    const open = release;
    waiting = 0;
    release = null;
    gate = null;
    setImmediate(open);
  };
  return {
    arrive() {
      if (!gate) gate = new Promise<void>((resolve) => (release = resolve));
      const mine = gate;
      waiting++;
      openIfAllArrived();
      return mine;
    },
    leave() {
      running--;
      openIfAllArrived();
    },
  };
}
