// Group commit: fsyncs the session's append-only files at most once per interval, so power loss can cost at most that window.
import type { FileLayer } from "./file-layer.js";

/** Default window: an acknowledged decision reaches stable storage within about this long. */
export const GROUP_COMMIT_MS = 100;

/**
 * Batches fsyncs of a set of file descriptors. `dirty()` after each append schedules one fdatasync of
 * every dirty descriptor within `intervalMs` (on libuv's thread pool, off the commit path); `flushSync()`
 * syncs now (close, and per commit in durable mode). A failed sync is reported through `onError`: the
 * data may not be on disk, which the session treats like a failed write.
 */
export class GroupCommit {
  private pending = new Set<number>();
  private timer: NodeJS.Timeout | null = null;
  /** Descriptors with an fdatasync running, and how many. */
  private inFlight = new Map<number, number>();
  /** Descriptors to close once their running syncs end. */
  private retiring = new Set<number>();
  private idle: (() => void)[] = [];

  constructor(
    private readonly files: FileLayer,
    private readonly intervalMs: number,
    private readonly onError: (error: Error) => void,
  ) {}

  dirty(fd: number): void {
    this.pending.add(fd);
    if (this.timer !== null) return;
    this.timer = setTimeout(() => this.flushAsync(), this.intervalMs);
    // A pending sync must not keep a finished process alive; close() flushes synchronously.
    this.timer.unref();
  }

  private flushAsync(): void {
    this.timer = null;
    const fds = [...this.pending];
    this.pending.clear();
    for (const fd of fds) {
      this.inFlight.set(fd, (this.inFlight.get(fd) ?? 0) + 1);
      const done = (error: Error | null) => {
        const left = this.inFlight.get(fd)! - 1;
        if (left > 0) this.inFlight.set(fd, left);
        else {
          this.inFlight.delete(fd);
          if (this.retiring.delete(fd)) this.files.closeSync(fd);
        }
        if (error) this.onError(error);
        if (this.inFlight.size === 0) for (const resolve of this.idle.splice(0)) resolve();
      };
      this.files.fdatasync(fd).then(
        () => done(null),
        (error: Error) => done(error),
      );
    }
  }

  /** Close `fd` now, or once the syncs running on it end (closing it under them could sync a reused descriptor). */
  retire(fd: number): void {
    this.pending.delete(fd);
    if (this.inFlight.has(fd)) this.retiring.add(fd);
    else this.files.closeSync(fd);
  }

  /** Resolves once no asynchronous sync is running. */
  drain(): Promise<void> {
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Sync every dirty descriptor now (and forget the timer). */
  flushSync(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const fds = [...this.pending];
    this.pending.clear();
    for (const fd of fds) this.files.fsyncSync(fd);
  }
}
