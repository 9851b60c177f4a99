// Typed exits: commands throw these and the entry point turns them into a message and an exit status.
import { LoomBaseError } from "@loom/core";
import { errorKind } from "@loom/core/internal";

/** Documented exit statuses: 0 ok, 1 failure, 2 usage (bad flag, missing argument), 130 interrupted (Ctrl-C). */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The family's `code` of an exit: the name of its status. */
export type ExitErrorCode = "failure" | "usage" | "interrupted";
const CODE_OF: Record<Exclude<ExitCode, 0>, ExitErrorCode> = { 1: "failure", 2: "usage", 130: "interrupted" };

/** An error that ends the command with `exitCode`; a member of core's error family (its `code` names the status). */
export class ExitError extends LoomBaseError<ExitErrorCode> {
  static override readonly isInstance = errorKind<ExitError>("ExitError");
  constructor(
    readonly exitCode: Exclude<ExitCode, 0>,
    message: string,
    /** What the user can do about it, printed on its own line. */
    hint?: string,
  ) {
    super(CODE_OF[exitCode], message, hint === undefined ? {} : { hint });
  }
}

/** A usage mistake: unknown flag, bad value, missing argument (exit 2). */
export class UsageError extends ExitError {
  override readonly name = "UsageError";
  constructor(message: string, hint?: string) {
    super(EXIT.usage, message, hint);
  }
}

/** A failure the user can act on: missing file, locked session, no model (exit 1, no stack trace). */
export class FailureError extends ExitError {
  override readonly name = "FailureError";
  constructor(message: string, hint?: string) {
    super(EXIT.failure, message, hint);
  }
}
