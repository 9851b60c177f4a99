// The sweep package's member of core's error family: a bad plan, an unknown sweep, a job that cannot run.
import { LoomBaseError } from "@loom/core";
import { errorKind } from "@loom/core/internal";

export type SweepErrorCode = "invalid_plan" | "no_such_sweep" | "sweep_exists" | "bad_option" | "store";

export class SweepError extends LoomBaseError<SweepErrorCode> {
  static override readonly isInstance = errorKind<SweepError>("SweepError");
}
