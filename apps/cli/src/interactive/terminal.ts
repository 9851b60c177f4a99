// The controlling terminal a keyboard session talks to: stdin/stdout when they are one, else /dev/tty (so `| tee` and --json keep the keys).
import { openSync } from "node:fs";
import { ReadStream, WriteStream } from "node:tty";

export interface Terminal {
  /** Where keys come from (raw mode). */
  input: NodeJS.ReadStream;
  /** Where the screen is drawn. */
  output: NodeJS.WriteStream;
  /** Whether the screen is the command's own stdout (then the final text replaces the screen). */
  screenIsStdout: boolean;
  close(): void;
}

/**
 * The terminal the user is sitting at, or null when the process has none (cron, CI, a detached
 * child): stdin and stdout if both are terminals and stdout is not reserved for JSON; otherwise the
 * controlling terminal opened through /dev/tty, whatever stdin and stdout are.
 */
export function openTerminal(stdin: NodeJS.ReadStream, stdout: { isTTY?: boolean }, json: boolean): Terminal | null {
  if (stdin.isTTY === true && stdout.isTTY === true && !json) {
    return { input: stdin, output: process.stdout, screenIsStdout: true, close: () => {} };
  }
  let readFd: number;
  let writeFd: number;
  try {
    readFd = openSync("/dev/tty", "r");
    writeFd = openSync("/dev/tty", "w");
  } catch {
    // ENXIO: no controlling terminal; ENOENT: no /dev/tty at all.
    return null;
  }
  const input = new ReadStream(readFd) as NodeJS.ReadStream;
  const output = new WriteStream(writeFd) as NodeJS.WriteStream;
  return {
    input,
    output,
    screenIsStdout: false,
    close: () => {
      input.destroy();
      output.end();
    },
  };
}
