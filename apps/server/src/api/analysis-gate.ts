// How many analyses the server runs at once: each reads its sessions on a worker a core, so a request beyond a few
// waits for its turn, and one beyond the waiting room is refused with 503 and Retry-After instead of a queue that grows.
import { HttpError } from "../http/http-error.js";

export interface AnalysisLimits {
  /** Analyses running at once (default 1: one already keeps every core busy). */
  running?: number;
  /** Requests that wait for a turn (default 4); more are answered 503. */
  waiting?: number;
}

/** Seconds a refused client is told to wait before asking again. */
export const ANALYSIS_RETRY_AFTER_SECONDS = 5;

export class AnalysisGate {
  readonly running: number;
  readonly waiting: number;
  #active = 0;
  readonly #queue: (() => void)[] = [];

  constructor(limits: AnalysisLimits = {}) {
    this.running = limits.running ?? 1;
    this.waiting = limits.waiting ?? 4;
    if (!Number.isInteger(this.running) || this.running < 1)
      throw new RangeError(`analyses running at once must be a whole number of at least 1 (got ${limits.running})`);
    if (!Number.isInteger(this.waiting) || this.waiting < 0)
      throw new RangeError(`analyses waiting must be a whole number of at least 0 (got ${limits.waiting})`);
  }

  /** Analyses running now and requests waiting for a turn. */
  get load(): { active: number; queued: number } {
    return { active: this.#active, queued: this.#queue.length };
  }

  /** Run `analysis` in its turn; throws HttpError 503 when every turn is taken and the waiting room is full. */
  async run<T>(analysis: () => Promise<T>): Promise<T> {
    if (this.#active >= this.running) {
      if (this.#queue.length >= this.waiting) {
        throw new HttpError(
          503,
          "busy",
          `the server is running ${this.#active} ${this.#active === 1 ? "analysis" : "analyses"} with ${this.#queue.length} more waiting; ask again in ${ANALYSIS_RETRY_AFTER_SECONDS} s`,
          { headers: { "retry-after": String(ANALYSIS_RETRY_AFTER_SECONDS) } },
        );
      }
      // The turn is handed over by the analysis that ends (the count of active ones stays as it is).
      await new Promise<void>((turn) => this.#queue.push(turn));
    } else {
      this.#active++;
    }
    try {
      return await analysis();
    } finally {
      const next = this.#queue.shift();
      if (next) next();
      else this.#active--;
    }
  }
}
