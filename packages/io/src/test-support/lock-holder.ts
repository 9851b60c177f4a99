// Child process for the lock tests: at a given instant, open a session for writing; report, hold it, exit.
// Usage: node --import tsx lock-holder.ts <session-dir> <start-at-epoch-ms> <hold-ms>
import { writeSync } from "node:fs";
import { openSession } from "../session.js";
import { SessionLockedError } from "../io-error.js";

const [dir, startAt, holdMs] = process.argv.slice(2);
// A shared start instant makes racing children reach the lock together despite uneven start-up times.
const wait = Number(startAt) - Date.now();
if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
try {
  const session = await openSession(dir!);
  const acquired = Date.now();
  writeSync(1, `ok ${process.pid}\n`);
  await new Promise((resolve) => setTimeout(resolve, Number(holdMs)));
  // Taken just before the release: the window in which this process certainly held the lock.
  const held = Date.now();
  await session.close();
  writeSync(1, `held ${acquired} ${held}\n`);
} catch (error) {
  if (SessionLockedError.isInstance(error)) writeSync(1, `locked ${error.holder.pid}\n`);
  else writeSync(1, `error ${(error as Error).message}\n`);
}
