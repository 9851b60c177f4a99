// The selector a session's config names (built by @loom/selectors), with its configuration errors turned into the CLI's flags and exit codes.
import type { SelectorConfig } from "@loom/core";
import {
  SelectorConfigError,
  createSelector,
  type AgenticSelector,
  type HumanInterface,
  type Selector,
} from "@loom/selectors";
import { FailureError, UsageError } from "../cli/exit-error.js";

export function makeSelector(
  config: SelectorConfig,
  options: { env: NodeJS.ProcessEnv; human?: HumanInterface; seed?: number | null },
): Selector | AgenticSelector {
  try {
    return createSelector(config, options);
  } catch (error) {
    if (!SelectorConfigError.isInstance(error)) throw error;
    switch (error.problem) {
      case "unknown_provider":
        throw new UsageError(`--selector-model: ${error.message}`);
      case "missing_model":
        throw new UsageError(`--selector ${config.mode} needs --selector-model`);
      case "missing_api_key":
        throw new FailureError(
          error.message,
          "or run offline with --selector auto, or choose yourself with --selector human",
        );
      case "needs_human":
        throw config.mode === "hybrid"
          ? new FailureError(
              "hybrid selection needs a terminal for your answers and overrides",
              "use --selector stateless for a headless run",
            )
          : new FailureError(
              "the human selector needs a terminal",
              "run in a terminal, or pass --selector auto (offline) / stateless / agentic",
            );
    }
  }
}
