// The analysis package's member of core's error family: a path that is no session, a bad option.
import { LoomBaseError } from "@loom/core";

const marker = Symbol.for("loom.error.AnalysisError");

export type AnalysisErrorCode = "no_such_path" | "no_sessions" | "bad_option";

export class AnalysisError extends LoomBaseError<AnalysisErrorCode> {
  readonly [marker] = true;
  override readonly name: string = "AnalysisError";

  static override isInstance(error: unknown): error is AnalysisError {
    return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }
}
