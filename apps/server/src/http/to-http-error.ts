// Maps errors from the packages (LoomError codes, session locks, bad files) onto HTTP statuses in one place.
import { LoomError, type LoomErrorCode } from "@loom/core";
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
  invariant: 500,
};

export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (LoomError.isInstance(error)) return new HttpError(LOOM_STATUS[error.code] ?? 500, error.code, error.message);
  const e = error as { name?: string; code?: string; message?: string } | null;
  if (e?.name === "SessionLockedError") return new HttpError(423, "session_locked", e.message ?? "the session is locked by another process");
  // The orchestrator refuses operations that do not fit the session's state (a pending question, a run in progress).
  if (e?.name === "OrchestratorError") return new HttpError(409, `orchestrator_${e.code ?? "error"}`, e.message ?? "the session cannot do that now");
  // A provider refusing or failing a call is a bad gateway, not a bug in the server.
  if (e?.name === "APICallError" || e?.name === "PartialStepError") return new HttpError(502, "provider_error", e.message ?? "the model provider failed");
  if (e?.name === "AbortError") return new HttpError(499, "aborted", e.message ?? "the request was aborted");
  return new HttpError(500, "internal_error", e?.message ? `internal error: ${e.message}` : "internal error");
}
