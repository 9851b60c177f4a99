// Whether a path, or a session in a directory, is there: the one existence check io and the server share (zod-free).
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { JOURNAL_FILE, SNAPSHOT_FILE } from "./format-names.js";

/** Whether `path` names an entry. A path that cannot be read counts as absent: the read that follows reports why. */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Whether `dir` holds a session: its snapshot, or a journal left by a writer that never compacted. */
export async function hasSession(dir: string): Promise<boolean> {
  return (await pathExists(join(dir, SNAPSHOT_FILE))) || (await pathExists(join(dir, JOURNAL_FILE)));
}
