// The analysis package's member of core's error family: a path that is no session, a bad option, a record it cannot read, a reading worker that stopped.
import { LoomBaseError } from "@loom/core";
import { errorKind } from "@loom/core/internal";

export type AnalysisErrorCode =
  | "no_such_path"
  | "no_sessions"
  | "bad_option"
  | "bad_record"
  | "locked"
  | "worker_failed";

export class AnalysisError extends LoomBaseError<AnalysisErrorCode> {
  static override readonly isInstance = errorKind<AnalysisError>("AnalysisError");
}
