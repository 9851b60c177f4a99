// One family for every error Loom throws on purpose: a base with a stable `code`, a `retryable` flag, and `isInstance` across bundles.

/**
 * The kinds an error is (its class's and every ancestor's), under a global symbol: `isInstance` reads them, so
 * an error made by another copy of a package (another bundle, another realm) is still recognised.
 */
const KINDS = Symbol.for("loom.error.kinds");

/** A class's `isInstance`: a plain function (it may be passed around unbound) that knows the kind it tests. */
export interface ErrorKindGuard<T> {
  (error: unknown): error is T;
  readonly kind: string;
}

/** The `isInstance` of an error class whose instances carry `kind`; each class of the family states one. */
export function errorKind<T>(kind: string): ErrorKindGuard<T> {
  const guard = (error: unknown): error is T => {
    const kinds = typeof error === "object" && error !== null ? (error as Record<symbol, unknown>)[KINDS] : undefined;
    return Array.isArray(kinds) && kinds.includes(kind);
  };
  return Object.assign(guard, { kind });
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
  /** Any error of the family, from any copy of any package; each subclass states its own kind. */
  static readonly isInstance: ErrorKindGuard<LoomBaseError> = errorKind<LoomBaseError>("LoomBaseError");
  readonly [KINDS]: readonly string[];
  override readonly name: string;
  readonly code: Code;
  readonly retryable: boolean;
  readonly hint: string | undefined;

  constructor(code: Code, message: string, options: LoomBaseErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const kinds: string[] = [];
    for (let c: unknown = new.target; typeof c === "function" && c !== Error; c = Object.getPrototypeOf(c))
      if (Object.hasOwn(c, "isInstance")) kinds.push((c as typeof LoomBaseError).isInstance.kind);
    this[KINDS] = kinds;
    // A subclass may give a different name (a field initialiser runs after this).
    this.name = kinds[0] ?? "LoomBaseError";
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.hint = options.hint;
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
  static override readonly isInstance = errorKind<LoomError>("LoomError");
}
