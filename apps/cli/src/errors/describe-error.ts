// Maps the packages' typed errors (and common system errors) to user-facing failures; anything else is a bug.
import type { AnalysisErrorCode } from "@loom/analysis";
import { LoomBaseError, type LoomErrorCode } from "@loom/core";
import { type GeneratorErrorCode, isAbortError } from "@loom/generators";
import type { IoErrorCode } from "@loom/io";
import type { OrchestratorErrorCode } from "@loom/orchestrator";
import type { SelectorErrorCode } from "@loom/selectors";
import { FailureError } from "../cli/exit-error.js";
import { cliWording } from "./cli-wording.js";

/** Every code a package's error can carry: a hint below for a code no package has fails to compile. */
export type PackageErrorCode =
  | LoomErrorCode
  | IoErrorCode
  | GeneratorErrorCode
  | SelectorErrorCode
  | OrchestratorErrorCode
  | AnalysisErrorCode;

/** What the user can do, by error code, where the error itself carries no hint. */
export const ERROR_HINTS: Partial<Record<PackageErrorCode, string>> = {
  session_locked: "another loom process is writing this session; wait for it to finish or stop it",
  missing_api_key: "set the environment variable named above, or run on the local engine (--generator local)",
  api_call: "check the base URL, the network and the API key; retryable errors were already retried",
};

export function describeError(error: unknown): FailureError | null {
  if (!(error instanceof Error)) return null;
  // Ours (GenerationAbortedError) and the platform's: an interrupted run, not a failure of its own.
  if (isAbortError(error)) return new FailureError("interrupted; everything already chosen is saved");
  // Every error a package throws on purpose is one the user can act on; the family's marker finds them
  // without the CLI importing each package (and a duplicate copy of a package still matches).
  if (LoomBaseError.isInstance(error)) {
    const hint = error.hint ?? ERROR_HINTS[error.code as PackageErrorCode];
    return new FailureError(cliWording(error.message), hint === undefined ? undefined : cliWording(hint));
  }
  const sys = error as NodeJS.ErrnoException;
  if (sys.code === "ENOENT" && sys.path) return new FailureError(`no such file or directory: ${sys.path}`);
  if (sys.code === "EACCES" && sys.path) return new FailureError(`permission denied: ${sys.path}`);
  if (sys.code === "ENOTDIR" && sys.path) return new FailureError(`not a directory: ${sys.path}`);
  if (sys.code === "EISDIR" && sys.path) return new FailureError(`is a directory, expected a file: ${sys.path}`);
  if (sys.code === "EADDRINUSE" && sys.syscall === "listen") {
    const port = (error as { port?: number }).port;
    return new FailureError(
      `--port ${port ?? ""}: already in use by another program`,
      "pick another with --port N, or --port 0 for any free port",
    );
  }
  if (sys.code === "EACCES" && sys.syscall === "listen") {
    return new FailureError(
      `--port ${(error as { port?: number }).port ?? ""}: not allowed to listen there (ports below 1024 need privileges)`,
      "pick a port above 1023 with --port N",
    );
  }
  if (sys.code === "EADDRNOTAVAIL" && sys.syscall === "listen") {
    return new FailureError(
      `--host: no such address on this machine (${(error as { address?: string }).address ?? ""})`,
      "use 127.0.0.1, 0.0.0.0, or an address of this machine",
    );
  }
  return null;
}
