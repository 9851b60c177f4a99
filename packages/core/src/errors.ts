// Typed errors for tree operations: a stable `code` and a marker so `isInstance` works across bundles.

const marker = Symbol.for("loom.error.LoomError");

export type LoomErrorCode =
  | "unknown_node"
  | "unknown_decision"
  | "decision_not_open"
  | "decision_not_clarifying"
  | "not_a_candidate"
  | "invalid_path"
  | "duplicate_id"
  | "invalid_operation"
  | "invariant";

export class LoomError extends Error {
  readonly [marker] = true;
  override readonly name = "LoomError";
  constructor(
    readonly code: LoomErrorCode,
    message: string,
  ) {
    super(message);
  }

  static isInstance(error: unknown): error is LoomError {
    return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }
}
