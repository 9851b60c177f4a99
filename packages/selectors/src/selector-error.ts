// Typed errors of selectors (members of core's error family): invalid model output after repair and retry, provider failures, budgets, aborts.
import { LoomBaseError } from "@loom/core";
import { errorKind } from "@loom/core/internal";

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

export class SelectorError extends LoomBaseError<SelectorErrorCode> {
  static override readonly isInstance = errorKind<SelectorError>("SelectorError");
  readonly status: number | null;
  /** For invalid_output: each raw output and why it was rejected. */
  readonly attempts: { output: string; error: string }[];

  constructor(
    code: SelectorErrorCode,
    message: string,
    options: {
      retryable?: boolean;
      status?: number | null;
      attempts?: { output: string; error: string }[];
      cause?: unknown;
    } = {},
  ) {
    super(code, message, {
      retryable: options.retryable ?? false,
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    this.status = options.status ?? null;
    this.attempts = options.attempts ?? [];
  }
}
