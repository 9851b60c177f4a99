// Typed errors of selectors: invalid model output after repair and retry, provider failures, budgets, aborts.

const marker = Symbol.for("loom.error.SelectorError");

export type SelectorErrorCode =
  /** The model's output never validated, after one repair and one retry. */
  | "invalid_output"
  /** The provider's API failed (HTTP status, connection). `retryable` says whether a later try may work. */
  | "provider"
  /** A step or token budget of the agentic selector ran out. */
  | "budget"
  | "aborted"
  /** Missing API key, model name or similar: a user mistake. */
  | "configuration";

export class SelectorError extends Error {
  readonly [marker] = true;
  override readonly name = "SelectorError";
  readonly code: SelectorErrorCode;
  readonly retryable: boolean;
  readonly status: number | null;
  /** For invalid_output: each raw output and why it was rejected. */
  readonly attempts: { output: string; error: string }[];

  constructor(
    code: SelectorErrorCode,
    message: string,
    options: { retryable?: boolean; status?: number | null; attempts?: { output: string; error: string }[]; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.status = options.status ?? null;
    this.attempts = options.attempts ?? [];
  }

  static isInstance(error: unknown): error is SelectorError {
    return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }
}
