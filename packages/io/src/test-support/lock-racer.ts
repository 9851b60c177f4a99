// Worker thread for the lock race test: at each round's signal, try to take the session lock; report; release.
import { parentPort, workerData } from "node:worker_threads";
import { acquireLock } from "../session-lock.js";
import { SessionLockedError } from "../io-error.js";

const { dir, flags } = workerData as { dir: string; flags: Int32Array };
parentPort!.on("message", (round: number) => {
  // Sleep until the main thread opens the round, so the racers reach the lock together.
  while (Atomics.load(flags, 0) !== round) Atomics.wait(flags, 0, round - 1, 1000);
  try {
    const lock = acquireLock(dir);
    const holders = Atomics.add(flags, 1, 1) + 1;
    // Hold briefly so a racer that wrongly removed our lock would also see itself win in this round.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    Atomics.sub(flags, 1, 1);
    lock.release();
    parentPort!.postMessage({ round, won: true, holders });
  } catch (error) {
    parentPort!.postMessage({
      round,
      won: false,
      error: SessionLockedError.isInstance(error) ? "locked" : String(error),
    });
  }
});
