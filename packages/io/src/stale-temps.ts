// Temp files a killed writer left in a session directory (its atomic writes and journal swaps), removed by the next writer.
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { STATE_DIR } from "./format-names.js";

/** `.<file>.<pid>.<n>.tmp`, as tempName makes them; the lock's own temp files are the lock's business. */
const TEMP = /^\.(?!lock\.).+\.(\d+)\.\d+\.tmp$/;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: a process of another user holds that pid, so it is alive.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Remove the temp files of writers that are gone. Called with the session's lock held, so no other writer is mid-way
 * through one; a temp file whose process still runs is left alone all the same (nothing is ever taken from a live one).
 * Returns the names removed.
 */
export function removeStaleTemps(dir: string): string[] {
  const removed: string[] = [];
  for (const where of [dir, join(dir, STATE_DIR)]) {
    if (!existsSync(where)) continue;
    for (const name of readdirSync(where)) {
      const m = TEMP.exec(name);
      if (!m || alive(Number(m[1]))) continue;
      rmSync(join(where, name), { force: true });
      removed.push(join(where, name));
    }
  }
  return removed;
}
