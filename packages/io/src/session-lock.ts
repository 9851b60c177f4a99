// The write lock of a session directory: a `lock` file naming the writer, created atomically, taken over only from dead writers.
import { createHash, randomUUID } from "node:crypto";
import { closeSync, fsyncSync, linkSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { fsyncDirSync } from "./atomic-write.js";
import { LOCK_FILE } from "./formats.js";
import { IoError, SessionLockedError, type LockHolder } from "./io-error.js";

interface LockRecord extends LockHolder {
  /** Start time of the holder process in clock ticks since boot (Linux), to tell a reused pid from the holder. */
  processStart: number | null;
  /** Unique per acquisition, so a takeover can tell the stale lock it read from a fresh one. */
  token: string;
}

/** Start time of a process in clock ticks since boot, from /proc (Linux); null where unavailable. */
function processStartOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const start = Number(fields[19]);
    return Number.isFinite(start) ? start : null;
  } catch {
    return null;
  }
}

function isAlive(record: LockRecord): boolean {
  // pid ≤ 0 would address process groups (kill(-1, 0) "succeeds"): such a lock names no live writer.
  if (!Number.isSafeInteger(record.pid) || record.pid <= 0) return false;
  if (record.hostname !== hostname()) return true; // cannot see another machine's processes: assume alive
  try {
    process.kill(record.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  if (record.processStart !== null) {
    const now = processStartOf(record.pid);
    if (now !== null && now !== record.processStart) return false; // the pid was reused by another process
  }
  return true;
}

function readRecord(file: string): LockRecord | null {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return null;
    if (code === "EISDIR") {
      throw new IoError(
        "io",
        "the lock is a directory, not a lock file: no loom process made it; remove or move it aside, then try again",
        { file, cause: error },
      );
    }
    throw IoError.fromSystem(error, file, "read the session lock");
  }
  try {
    const r = JSON.parse(text) as Partial<LockRecord>;
    if (typeof r.pid === "number" && typeof r.token === "string") {
      return {
        pid: r.pid,
        hostname: String(r.hostname ?? ""),
        startedAt: String(r.startedAt ?? ""),
        processStart: typeof r.processStart === "number" ? r.processStart : null,
        token: r.token,
      };
    }
  } catch {}
  // The lock is always created whole (link of a complete, fsynced temp file), so an empty or unreadable one
  // is debris (from power loss before this build fsynced it, or a stray file): it names no live writer.
  return { pid: 0, hostname: hostname(), startedAt: "", processStart: null, token: `unreadable:${text}` };
}

/** Write the lock's temp file whole and fsync it, so the lock it becomes is never empty after power loss. */
function writeLockTemp(temp: string, text: string): void {
  let fd: number;
  try {
    fd = openSync(temp, "wx");
  } catch (error) {
    throw IoError.fromSystem(error, temp, "take the session lock");
  }
  try {
    const buf = Buffer.from(text);
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {}
    throw IoError.fromSystem(error, temp, "take the session lock");
  }
  closeSync(fd);
}

export interface SessionLock {
  readonly file: string;
  readonly holder: LockHolder;
  /** Remove the lock if it is still ours. */
  release(): void;
}

/**
 * The marker that gives one process the right to remove the stale lock with this token. Generation 0 is the
 * first taker's; a taker that dies holding its marker passes the right to the next generation.
 */
function takeoverMarker(dir: string, name: string, token: string, generation = 0): string {
  const hash = createHash("sha256").update(token).digest("hex").slice(0, 24);
  return join(dir, generation === 0 ? `.${name}.takeover.${hash}` : `.${name}.takeover.${hash}.${generation}`);
}

/** How many takers in a row may die during one takeover before the session needs a person. */
const TAKEOVER_GENERATIONS = 16;

/**
 * Remove the stale lock `stale` from `file`, if it is still there, holding a takeover marker while doing so.
 *
 * Only the process that creates a marker (hard link: atomic, fails if it exists) may unlink a lock with that
 * token, and it unlinks only after reading that token at `file` under the marker. A marker whose taker died
 * (killed mid-takeover) is passed over for the next generation's, which one process at a time can take the
 * same way: at most one live process ever holds a marker for this token, since each generation is tried only
 * once every earlier one is held by a dead process. No other process removes a lock whose holder is dead, and
 * a live holder removes only its own, so what is unlinked is always the lock judged stale, never a racer's
 * fresh one. Once it is gone its token names no lock, so the dead takers' markers are then removed too.
 */
function removeStaleLock(dir: string, name: string, stale: LockRecord, temp: string): void {
  const file = join(dir, name);
  for (let generation = 0; generation < TAKEOVER_GENERATIONS; generation++) {
    const marker = takeoverMarker(dir, name, stale.token, generation);
    try {
      linkSync(temp, marker);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST")
        throw IoError.fromSystem(error, marker, "take over the stale session lock");
      const taker = readRecord(marker);
      if (taker === null || isAlive(taker)) return; // another process is taking it over right now: look again
      continue; // its taker died during the takeover: the next generation's marker decides
    }
    try {
      const current = readRecord(file);
      if (current !== null && current.token === stale.token) {
        unlinkSync(file);
        fsyncDirSync(dir);
      }
    } finally {
      for (let g = generation; g >= 0; g--) {
        try {
          unlinkSync(takeoverMarker(dir, name, stale.token, g));
        } catch {}
      }
    }
    return;
  }
  throw new IoError(
    "io",
    `${TAKEOVER_GENERATIONS} takeovers of the stale session lock were interrupted (each taker died during it); no writer holds the session: remove ${file} and the .${name}.takeover.* files beside it, then try again`,
    { file },
  );
}

/**
 * Take the write lock of `dir` (the file `name` in it: `lock` for the session's writer; other records kept beside a
 * session, such as re-judgements, take locks of their own names), or throw SessionLockedError naming the live holder.
 *
 * The lock is created by hard-linking a complete temp file to `lock` (atomic, fails if it exists), so it
 * is never seen half-written. A lock whose holder is dead is removed by one process at a time (see
 * removeStaleLock), and then every racer tries the link again: exactly one wins, the others find its lock
 * and report its holder.
 */
export function acquireLock(dir: string, now: () => Date = () => new Date(), name: string = LOCK_FILE): SessionLock {
  const file = join(dir, name);
  const record: LockRecord = {
    pid: process.pid,
    hostname: hostname(),
    startedAt: now().toISOString(),
    processStart: processStartOf(process.pid),
    token: randomUUID(),
  };
  const temp = join(dir, `.${name}.${record.token}.tmp`);
  writeLockTemp(temp, JSON.stringify(record) + "\n");
  try {
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        linkSync(temp, file);
        fsyncDirSync(dir); // the new name is durable before anything is written under the lock
        return makeLock(file, record);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST")
          throw IoError.fromSystem(error, file, "take the session lock");
      }
      const holder = readRecord(file);
      if (holder === null) continue; // released between our link and our read: try again
      if (isAlive(holder)) throw new SessionLockedError(file, holder);
      removeStaleLock(dir, name, holder, temp);
      if (attempt > 0) sleepSync(Math.min(2 ** attempt, 50)); // another racer's takeover in progress: give it time
    }
    throw new IoError("io", "could not take the session lock after 50 attempts (it keeps changing hands)", { file });
  } finally {
    try {
      unlinkSync(temp);
    } catch {}
  }
}

/** Block for `ms` milliseconds (lock acquisition is synchronous; waits here are a few ms while a racer finishes). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function makeLock(file: string, record: LockRecord): SessionLock {
  let released = false;
  return {
    file,
    holder: { pid: record.pid, hostname: record.hostname, startedAt: record.startedAt },
    release() {
      if (released) return;
      released = true;
      const current = readRecord(file);
      if (current?.token === record.token) unlinkSync(file);
    },
  };
}
