// Maps errors from the packages (LoomError codes, session locks, bad files) onto HTTP statuses in one place.
import { LoomError, type LoomErrorCode } from "@loom/core";
import { APICallError, isAbortError, PartialStepError } from "@loom/generators";
import { SessionLockedError } from "@loom/io";
import { OrchestratorError } from "@loom/orchestrator";
import { HttpError } from "./http-error.js";

const LOOM_STATUS: Record<LoomErrorCode, number> = {
  unknown_node: 404,
  unknown_decision: 404,
  // The race rule: a decision already taken by someone else is a conflict, not a bad request.
  decision_not_open: 409,
  decision_not_clarifying: 409,
  duplicate_id: 409,
  not_a_candidate: 400,
  invalid_path: 400,
  invalid_operation: 400,
  cannot_undo: 409,
  nothing_to_undo: 409,
  nothing_to_redo: 409,
  invariant: 500,
};

export function toHttpError(error: unknown): HttpError {
  if (HttpError.isInstance(error)) return error;
  if (LoomError.isInstance(error)) return new HttpError(LOOM_STATUS[error.code] ?? 500, error.code, error.message);
  if (SessionLockedError.isInstance(error)) return new HttpError(423, "session_locked", error.message);
  // The orchestrator refuses operations that do not fit the session's state (a pending question, a run in progress).
  if (OrchestratorError.isInstance(error)) return new HttpError(409, `orchestrator_${error.code}`, error.message);
  // A provider refusing or failing a call is a bad gateway, not a bug in the server.
  if (APICallError.isInstance(error) || PartialStepError.isInstance(error))
    return new HttpError(502, "provider_error", error.message);
  if (isAbortError(error)) return new HttpError(499, "aborted", (error as Error).message || "the request was aborted");
  const e = error as { message?: string } | null;
  return new HttpError(500, "internal_error", e?.message ? `internal error: ${e.message}` : "internal error");
}
