// Typed errors for sessions on disk (members of core's error family): each class names its `kind`, so `isInstance` works across bundles and realms.
import { LoomBaseError } from "@loom/core";
import { errorKind } from "@loom/core/internal";

export type IoErrorCode =
  | "malformed_json"
  | "invalid_field"
  | "invariant"
  | "unsupported_version"
  | "missing_file"
  | "journal_gap"
  | "session_exists"
  | "not_a_session"
  | "session_locked"
  | "session_closed"
  | "session_broken"
  | "read_only"
  | "bad_brief"
  | "bad_import"
  | "checksum"
  | "damaged"
  | "manifest_conflict"
  | "no_space"
  | "read_only_fs"
  | "permission"
  | "io";

export interface IoErrorDetails {
  /** The file the problem is in (absolute or as given). */
  file?: string;
  /** 1-based line number, for NDJSON files. */
  line?: number;
  /** The field, as a JSON-ish path (`loom.nodes.n_1.parentId`, `op.nodes[0].text`). */
  field?: string;
  /** What was expected there, in words. */
  expected?: string;
  cause?: unknown;
}

/** A problem with a session directory or a file Loom reads or writes; the message names file, line/field and what was expected. */
export class IoError extends LoomBaseError<IoErrorCode> {
  static override readonly isInstance = errorKind<IoError>("IoError");
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly field: string | undefined;
  readonly expected: string | undefined;

  constructor(code: IoErrorCode, message: string, details: IoErrorDetails = {}) {
    super(code, formatMessage(message, details), details.cause === undefined ? {} : { cause: details.cause });
    this.file = details.file;
    this.line = details.line;
    this.field = details.field;
    this.expected = details.expected;
  }

  /** An IoError for a failed system call on `file`, worded for the user (disk full, read-only, permission…); IoErrors pass through. */
  static fromSystem(error: unknown, file: string, verb: string): IoError {
    if (IoError.isInstance(error)) return error;
    const code = (error as NodeJS.ErrnoException | null)?.code;
    const known = code ? SYSTEM_ERRORS[code] : undefined;
    const message = known
      ? `cannot ${verb}: ${known[1]}`
      : `cannot ${verb}: ${(error as Error)?.message ?? String(error)}`;
    return new IoError(known?.[0] ?? "io", message, { file, cause: error });
  }
}

/** System error codes a user can act on: our code for each, and what to tell them. */
const SYSTEM_ERRORS: Record<string, [IoErrorCode, string]> = {
  ENOSPC: ["no_space", "the disk is full (free some space and run the command again; nothing acknowledged was lost)"],
  EDQUOT: ["no_space", "the disk quota is exhausted (free some space and run the command again)"],
  EROFS: ["read_only_fs", "the file system is read-only (open the session read-only, or copy it somewhere writable)"],
  EACCES: ["permission", "permission denied (check the owner and mode of the session directory and its files)"],
  EPERM: ["permission", "operation not permitted (check the owner and mode of the session directory and its files)"],
  EISDIR: ["io", "a directory is in the way where a file was expected (move it aside)"],
  ENOTDIR: ["io", "a file is in the way where a directory was expected"],
  EIO: ["io", "input/output error: the disk or file system reported a failure (check it, then run `loom fsck`)"],
  EMFILE: ["io", "too many open files (raise the limit with ulimit -n)"],
};

function formatMessage(message: string, d: IoErrorDetails): string {
  const where = d.file ? `${d.file}${d.line !== undefined ? `:${d.line}` : ""}` : "";
  const field = d.field ? ` (field ${d.field})` : "";
  // zod's own messages already say what was expected; do not say it twice.
  const expected = d.expected && !/\bexpected\b/i.test(message) ? `; expected ${d.expected}` : "";
  return `${where ? `${where}${field}: ` : field ? `${field.trim()}: ` : ""}${message}${expected}`;
}

export interface LockHolder {
  pid: number;
  hostname: string;
  startedAt: string;
}

/** Another live process holds the session's write lock. */
export class SessionLockedError extends IoError {
  static override readonly isInstance = errorKind<SessionLockedError>("SessionLockedError");
  constructor(
    file: string,
    readonly holder: LockHolder,
    /** What the user can do about it (the default suits a process that holds the session open). */
    advice = "close it there, or open this one read-only",
  ) {
    super(
      "session_locked",
      `the session is open for writing by process ${holder.pid} on ${holder.hostname} (since ${holder.startedAt}); ${advice}`,
      { file },
    );
  }
}
