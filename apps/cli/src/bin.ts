#!/usr/bin/env node
// The `loom` executable: wires the process (argv, streams, signals) into main() and sets the exit status.
import { main } from "./main.js";

const controller = new AbortController();
let interrupts = 0;
const onSignal = () => {
  // First Ctrl-C stops gracefully (the session is saved as it goes); a second one exits at once.
  if (++interrupts > 1) process.exit(130);
  controller.abort(new Error("interrupted"));
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);

// `loom … | head`: the reader has gone, which is how a pipe says "enough" — end quietly with status 0.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
}

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
});
process.exitCode = code;
// Everything written must reach the reader before a forced exit: a large --json result can still be in the pipe.
await new Promise<void>((resolve) => process.stdout.write("", () => process.stderr.write("", () => resolve())));
// Native model handles and timers must not keep a finished command alive.
// After an interrupt the user is waiting for the prompt: give the last lines a moment, no more.
setTimeout(() => process.exit(code), code === 130 ? 30 : 200).unref();
