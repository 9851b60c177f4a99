// Single keys and short lines from a terminal in raw mode, as promises (one reader per interactive run).
import { emitKeypressEvents } from "node:readline";

export interface Key {
  /** The character typed, when printable. */
  sequence: string;
  name: string | undefined;
  ctrl: boolean;
}

export class KeyInput {
  private queue: Key[] = [];
  private waiter: ((key: Key) => void) | null = null;
  private readonly onKey = (
    str: string | undefined,
    key: { name?: string; ctrl?: boolean; sequence?: string } | undefined,
  ) => {
    const k: Key = { sequence: str ?? key?.sequence ?? "", name: key?.name, ctrl: key?.ctrl ?? false };
    // Raw mode turns Ctrl-C into a key: act on it at once (a generation may be in flight), never queue it.
    if (k.ctrl && k.name === "c") {
      this.onInterrupt?.();
      return;
    }
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w(k);
    } else this.queue.push(k);
  };

  constructor(
    private readonly stdin: NodeJS.ReadStream,
    /** Called on Ctrl-C, which raw mode delivers as a key instead of SIGINT. */
    private readonly onInterrupt?: () => void,
  ) {
    emitKeypressEvents(stdin);
    if (stdin.isTTY) stdin.setRawMode(true);
    stdin.on("keypress", this.onKey);
    stdin.resume();
  }

  /** The next key; rejects when `signal` aborts. */
  next(signal?: AbortSignal): Promise<Key> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        this.waiter = null;
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiter = (key) => {
        signal?.removeEventListener("abort", onAbort);
        resolve(key);
      };
    });
  }

  /**
   * A line typed at the keyboard, echoed through `echo`. Enter submits, Escape cancels (null),
   * Backspace edits. `\n` typed as two characters becomes a newline, so a continuation can break a paragraph.
   */
  async line(echo: (text: string) => void, signal?: AbortSignal): Promise<string | null> {
    let text = "";
    for (;;) {
      const key = await this.next(signal);
      if (key.name === "return" || key.name === "enter") return text.replace(/\\n/g, "\n");
      if (key.name === "escape") return null;
      if (key.name === "backspace") {
        if (text.length > 0) {
          text = text.slice(0, -1);
          echo("\b \b");
        }
        continue;
      }
      if (key.ctrl) continue;
      // Printable input (a paste arrives as a run of keys).
      if (key.sequence && !/[\u0000-\u001f\u007f]/.test(key.sequence)) {
        text += key.sequence;
        echo(key.sequence);
      }
    }
  }

  close(): void {
    this.stdin.off("keypress", this.onKey);
    if (this.stdin.isTTY) this.stdin.setRawMode(false);
    this.stdin.pause();
  }
}
