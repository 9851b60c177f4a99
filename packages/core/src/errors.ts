// One family for every error Loom throws on purpose: a base with a stable `code`, a `retryable` flag, and `isInstance` across bundles.

const family = Symbol.for("loom.error");
const marker = Symbol.for("loom.error.LoomError");

/** True when `error` carries `marker`, whichever copy of a package made it (a class's own `isInstance` is this). */
export function hasErrorMarker(error: unknown, marker: symbol): boolean {
  return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[marker] === true;
}

/** HTTP statuses worth another try, the request unchanged: timeout, conflict, rate limit, server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

export interface LoomBaseErrorOptions {
  /** Whether the same call may succeed if tried again (a rate limit, a server error); default false. */
  retryable?: boolean;
  /** What the user can do about it, shown on its own line by the apps. */
  hint?: string;
  cause?: unknown;
}

/**
 * The base of every Loom error: packages extend it (`LoomError`, `IoError`, `GeneratorError`,
 * `SelectorError`, `OrchestratorError`), apps catch it with `LoomBaseError.isInstance` and tell
 * the kinds apart with each class's own `isInstance` and `code`.
 */
export class LoomBaseError<Code extends string = string> extends Error {
  readonly [family] = true;
  override readonly name: string = "LoomBaseError";
  readonly code: Code;
  readonly retryable: boolean;
  readonly hint: string | undefined;

  constructor(code: Code, message: string, options: LoomBaseErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.hint = options.hint;
  }

  /** Any error of the family, from any package. */
  static isInstance(error: unknown): error is LoomBaseError {
    return hasErrorMarker(error, family);
  }
}

export type LoomErrorCode =
  | "unknown_node"
  | "unknown_decision"
  | "decision_not_open"
  | "decision_not_clarifying"
  | "not_a_candidate"
  | "invalid_path"
  | "duplicate_id"
  | "invalid_operation"
  /** Undo or redo refused: later changes build on what it would take back. */
  | "cannot_undo"
  | "nothing_to_undo"
  | "nothing_to_redo"
  | "invariant";

/** A tree operation that does not fit the loom (an unknown id, a decision already taken…). */
export class LoomError extends LoomBaseError<LoomErrorCode> {
  readonly [marker] = true;
  override readonly name: string = "LoomError";

  static override isInstance(error: unknown): error is LoomError {
    return hasErrorMarker(error, marker);
  }
}
