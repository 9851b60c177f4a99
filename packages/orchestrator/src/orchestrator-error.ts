// Typed errors of the orchestrator: misuse of its primitives and states it cannot continue from.

const marker = Symbol.for("loom.error.OrchestratorError");

export type OrchestratorErrorCode =
  /** No selector was given and run() needs one; or no human for an operation that needs one. */
  | "configuration"
  /** The operation does not fit the session's state (nothing to choose, a pending clarification…). */
  | "invalid_state"
  /** Another run() is in progress on this orchestrator. */
  | "busy";

export class OrchestratorError extends Error {
  readonly [marker] = true;
  override readonly name = "OrchestratorError";
  constructor(
    readonly code: OrchestratorErrorCode,
    message: string,
  ) {
    super(message);
  }

  static isInstance(error: unknown): error is OrchestratorError {
    return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }
}
