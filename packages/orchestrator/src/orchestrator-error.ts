// Typed errors of the orchestrator: misuse of its primitives and states it cannot continue from.
import { LoomBaseError } from "@loom/core";
import { errorKind } from "@loom/core/internal";

export type OrchestratorErrorCode =
  /** No selector was given and run() needs one; or no human for an operation that needs one. */
  | "configuration"
  /** The operation does not fit the session's state (nothing to choose, a pending clarification…). */
  | "invalid_state"
  /** An argument is out of range or names nothing in the session (a node id, a depth). */
  | "invalid_argument"
  /** Another run() is in progress on this orchestrator. */
  | "busy";

export class OrchestratorError extends LoomBaseError<OrchestratorErrorCode> {
  static override readonly isInstance = errorKind<OrchestratorError>("OrchestratorError");
}
