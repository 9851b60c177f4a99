// Reads a session's re-judgements back, and appends new ones in sealed lines, batched so a fast judge is not held up by the disk.
import { closeSync, fsyncSync, mkdirSync, openSync, ftruncateSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { IoError, SessionLockedError } from "@loom/io";
import { acquireLock, scanNdjson, sealJson, type SessionLock } from "@loom/io/internal";
import { AnalysisError } from "./analysis-error.js";
import { REJUDGE_FILE, RejudgeLineSchema, type RejudgeLine } from "./rejudge-record.js";

/** The lock beside the record (`state/rejudge.lock`): one re-judging run at a time appends to a session's record. */
const REJUDGE_LOCK = "rejudge.lock";

/**
 * Take the session's re-judgement lock, or throw naming the run that holds it. A lock left by a run that died is
 * taken over, as the session's own write lock is.
 */
export function lockRejudgeRecord(dir: string): SessionLock {
  const state = dirname(join(dir, REJUDGE_FILE));
  try {
    mkdirSync(state, { recursive: true });
  } catch (error) {
    throw IoError.fromSystem(error, state, "make the folder of the re-judgement record");
  }
  try {
    return acquireLock(state, undefined, REJUDGE_LOCK);
  } catch (error) {
    if (!SessionLockedError.isInstance(error)) throw error;
    const h = error.holder;
    throw new AnalysisError(
      "locked",
      `${join(state, REJUDGE_LOCK)}: another re-judging run (process ${h.pid} on ${h.hostname}, since ${h.startedAt}) is appending to this session's re-judgements; wait for it to end, then run again (what it judged is kept and skipped)`,
    );
  }
}

export interface RejudgeRead {
  lines: RejudgeLine[];
  /** Byte length of the whole lines, and whether a torn last line (a crash mid-append) follows them. */
  goodLength: number;
  torn: boolean;
  missingNewline: boolean;
}

/**
 * Every re-judgement recorded for the session in `dir`, in the order written (none when there is no file).
 * A torn last line is left out; a damaged or foreign line throws, naming the file and the line.
 */
export async function readRejudgeFile(dir: string): Promise<RejudgeRead> {
  const file = join(dir, REJUDGE_FILE);
  const lines: RejudgeLine[] = [];
  const read = await scanNdjson(file, { unsealedOk: () => false }, ({ line, value }) => {
    const parsed = RejudgeLineSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new AnalysisError(
        "bad_record",
        `${file}: line ${line}, field ${issue.path.join(".") || "(top level)"}: ${issue.message}`,
        { hint: "the line is not a re-judgement this Loom writes; move the file aside to start the record afresh" },
      );
    }
    lines.push(parsed.data);
  });
  if (read === null) return { lines, goodLength: 0, torn: false, missingNewline: false };
  return { lines, goodLength: read.goodLength, torn: read.torn !== null, missingNewline: read.missingNewline };
}

/** Lines waiting in memory before they are written, and how long the oldest may wait. */
const BATCH_LINES = 256;
const BATCH_MS = 100;

/** Appends sealed re-judgement lines to one session's file; `close` writes what waits and syncs the file to disk. */
export class RejudgeWriter {
  private readonly fd: number;
  private pending: string[] = [];
  private timer: NodeJS.Timeout | null = null;
  /** A write that failed on the timer, thrown by the next add or close (a timer has nobody to throw to). */
  private failed: unknown = null;

  private constructor(
    readonly file: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  /** Opens the file for appending, first cutting a torn last line (never acknowledged) so new lines start whole. */
  static open(dir: string, read: Pick<RejudgeRead, "goodLength" | "torn" | "missingNewline">): RejudgeWriter {
    const file = join(dir, REJUDGE_FILE);
    try {
      mkdirSync(dirname(file), { recursive: true });
      const fd = openSync(file, "a");
      if (read.torn) ftruncateSync(fd, read.goodLength);
      if (read.missingNewline) writeSync(fd, "\n");
      return new RejudgeWriter(file, fd);
    } catch (error) {
      throw IoError.fromSystem(error, file, "open the re-judgement record");
    }
  }

  add(line: RejudgeLine): void {
    if (this.failed) throw this.failed;
    this.pending.push(sealJson(JSON.stringify(line)));
    if (this.pending.length >= BATCH_LINES) this.flush();
    else
      this.timer ??= setTimeout(() => {
        try {
          this.flush();
        } catch (error) {
          this.failed = error;
        }
      }, BATCH_MS);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length === 0) return;
    const text = `${this.pending.join("\n")}\n`;
    this.pending = [];
    try {
      const bytes = Buffer.from(text, "utf8");
      let off = 0;
      while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off);
    } catch (error) {
      throw IoError.fromSystem(error, this.file, "append to the re-judgement record");
    }
  }

  close(): void {
    try {
      if (this.failed) throw this.failed;
      this.flush();
      fsyncSync(this.fd);
    } finally {
      closeSync(this.fd);
    }
  }
}
