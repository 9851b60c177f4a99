// A real terminal for the keyboard tests: a tmux server per test file, one window per scenario, screens read back as text.
import { execFileSync } from "node:child_process";
import { BIN, baseEnv } from "./helpers.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Tmux {
  private readonly socket = `loom-cli-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  private count = 0;

  private run(...args: string[]): string {
    return execFileSync("tmux", ["-L", this.socket, ...args], { encoding: "utf8" });
  }

  /**
   * Starts `shellCommand` in a new 110×45 window; `loom` in it stands for the built binary. The shell
   * prints "EXIT=<status> AT=<ms since epoch>" when the command ends, and keeps the window open.
   */
  start(shellCommand: string, env: Record<string, string>, dir: string): string {
    const name = `w${++this.count}`;
    const all = { ...baseEnv(dir), TERM: "xterm-256color", ...env };
    const envArgs = Object.entries(all).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
    const loom = `${process.execPath} ${BIN}`;
    const cmd = `cd ${dir}; loom() { ${loom} "$@"; }; ${shellCommand}; echo "EXIT=$? AT=$(date +%s%3N)"; sleep 600`;
    this.run("new-session", "-d", "-s", name, "-x", "110", "-y", "45", ...envArgs, "bash", "-c", cmd);
    return name;
  }

  screen(name: string): string {
    return this.run("capture-pane", "-p", "-t", name);
  }

  keys(name: string, ...keys: string[]): void {
    this.run("send-keys", "-t", name, ...keys);
  }

  /** Types text literally (no key names). */
  type(name: string, text: string): void {
    this.run("send-keys", "-t", name, "-l", text);
  }

  async waitFor(name: string, test: (s: string) => boolean, what: string, timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let last = "";
    while (Date.now() < deadline) {
      last = this.screen(name);
      if (test(last)) return last;
      await sleep(50);
    }
    throw new Error(`timed out waiting for ${what}; the screen was:\n${last}`);
  }

  /** The exit status and the time the command ended, once it has. */
  async exit(name: string, timeoutMs = 30_000): Promise<{ code: number; at: number; screen: string }> {
    const s = await this.waitFor(name, (x) => /EXIT=\d+ AT=\d+/.test(x), "the command to end", timeoutMs);
    const m = /EXIT=(\d+) AT=(\d+)/.exec(s)!;
    return { code: Number(m[1]), at: Number(m[2]), screen: s };
  }

  kill(): void {
    try {
      this.run("kill-server");
    } catch {
      // already gone
    }
  }
}

/** The screen of a keyboard step, drawn once generation is done and the prompt waits for a key. */
export const atStep = (n: number) => (s: string) => s.includes(`── step ${n} ·`) && /^> *$/m.test(s);
export const candidateRows = (s: string) => s.split("\n").filter((l) => /^ ?\d+ {2}/.test(l)).length;
