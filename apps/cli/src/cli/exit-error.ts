// Typed exits: commands throw these and the entry point turns them into a message and an exit status.

/** Documented exit statuses: 0 ok, 1 failure, 2 usage (bad flag, missing argument), 130 interrupted (Ctrl-C). */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

const marker = Symbol.for("loom.cli.ExitError");

export class ExitError extends Error {
  readonly [marker] = true;
  override readonly name: string = "ExitError";
  constructor(
    readonly code: ExitCode,
    message: string,
    /** What the user can do about it, printed on its own line. */
    readonly hint?: string,
  ) {
    super(message);
  }

  static isInstance(error: unknown): error is ExitError {
    return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[marker] === true;
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
