// The server-side selector a session's config asks for (built by @loom/selectors), with API keys read from the server's environment (never from clients, never sent to the page).
import type { Loom } from "@loom/core";
import {
  SelectorConfigError,
  createSelector,
  type AgenticSelector,
  type HumanInterface,
  type Selector,
} from "@loom/selectors";
import { HttpError } from "../http/http-error.js";

type Env = Record<string, string | undefined>;

/** null for sessions the page drives (human mode). Configuration problems become HTTP errors naming the field. */
export function selectorForConfig(
  loom: Loom,
  human: HumanInterface,
  env: Env = process.env,
): Selector | AgenticSelector | null {
  const config = loom.config.selector;
  if (config.mode === "human") return null;
  try {
    return createSelector(config, { env, human, seed: loom.config.generator.seed });
  } catch (error) {
    if (!SelectorConfigError.isInstance(error)) throw error;
    // A key the server lacks is the server's state, not a bad request.
    if (error.problem === "missing_api_key")
      throw new HttpError(
        409,
        "missing_api_key",
        `the server has no ${error.envVar} in its environment, which this session's selector needs`,
      );
    throw new HttpError(400, `selector_${error.problem}`, error.message, { field: `selector.${error.field}` });
  }
}
