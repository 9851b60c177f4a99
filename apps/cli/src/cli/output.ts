// Where a command writes: human text or JSON on stdout, logs and progress on stderr, colours per stream.
import { type Colors, colorsEnabled, createColors } from "./colors.js";

export interface Streams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export class Output {
  readonly colors: Colors;
  readonly errColors: Colors;
  private spinner: { timer: NodeJS.Timeout; label: string; frame: number } | null = null;
  private lastPlain: string | null = null;
  private wroteResult = false;

  constructor(
    readonly streams: Streams,
    readonly env: NodeJS.ProcessEnv,
    /** Machine output: stdout carries exactly one JSON document. */
    readonly json: boolean,
  ) {
    this.colors = createColors(!json && colorsEnabled(streams.stdout, env));
    this.errColors = createColors(colorsEnabled(streams.stderr, env));
  }

  get columns(): number {
    // A pipe has no width: $COLUMNS when the shell exports it, else the classic 80.
    const fromEnv = Number(this.env.COLUMNS);
    return this.streams.stdout.columns ?? (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 80);
  }

  /** A line of human output on stdout (nothing in --json mode). */
  print(text = ""): void {
    if (this.json) return;
    this.clearSpinner();
    this.streams.stdout.write(`${text}\n`);
  }

  /** Raw text on stdout, no newline added (the interactive screen). */
  write(text: string): void {
    this.clearSpinner();
    this.streams.stdout.write(text);
  }

  /** The command's result: JSON in --json mode, otherwise the human rendering. */
  result(value: unknown, human: () => string): void {
    this.wroteResult = true;
    if (this.json) this.streams.stdout.write(`${JSON.stringify(value)}\n`);
    else this.print(human());
  }

  /** The command writes its --json result itself, in pieces (too large for one string): from now on it counts as written. */
  streamResult(): void {
    this.wroteResult = true;
  }

  /** Whether the result was written (a command that fails after it, such as fsck finding damage, has said its piece on stdout). */
  get hasResult(): boolean {
    return this.wroteResult;
  }

  /** A log line on stderr: always there, never mixed into machine output. */
  info(message: string): void {
    this.clearSpinner();
    this.streams.stderr.write(`${message}\n`);
  }

  warn(message: string): void {
    this.info(this.errColors.yellow(`warning: ${message}`));
  }

  /**
   * Progress while models work: a spinner line on a terminal, plain lines otherwise
   * (a log file should show each step once, not a hundred spinner frames).
   */
  progress(label: string): void {
    if (!this.streams.stderr.isTTY) {
      if (this.lastPlain !== label) this.streams.stderr.write(`${label}\n`);
      this.lastPlain = label;
      return;
    }
    if (this.spinner) {
      this.spinner.label = label;
      this.drawSpinner();
      return;
    }
    const timer = setInterval(() => this.drawSpinner(), 80);
    timer.unref();
    this.spinner = { timer, label, frame: 0 };
    this.drawSpinner();
  }

  /** End the spinner (its line is erased). */
  done(): void {
    this.clearSpinner();
  }

  private drawSpinner(): void {
    const s = this.spinner;
    if (!s) return;
    s.frame = (s.frame + 1) % FRAMES.length;
    this.streams.stderr.write(`\r\u001B[2K${this.errColors.cyan(FRAMES[s.frame]!)} ${s.label}`);
  }

  private clearSpinner(): void {
    if (!this.spinner) return;
    clearInterval(this.spinner.timer);
    this.spinner = null;
    this.streams.stderr.write("\r\u001B[2K");
  }
}
