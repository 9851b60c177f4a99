// Builds the generator a session's config names: the local GGUF engine by default, else @loom/generators' factory.
import type { GeneratorConfig, Generator } from "@loom/core";
import { createGenerator } from "@loom/generators";
import { resolveLocalModel } from "../model/model-locations.js";
import { checkGenerator } from "./generator-check.js";

export interface MakeGeneratorOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  onWarning?: (message: string) => void;
  /** The model was named on the command line: no falling back to another file if it is not there. */
  explicitModel?: boolean;
}

/** The local model file: the configured one, or (if it has gone) what LOOM_MODEL / the cache offer now. */
function localModelPath(config: GeneratorConfig, options: MakeGeneratorOptions): string {
  const rules = { env: options.env, cwd: options.cwd };
  try {
    return resolveLocalModel({ ...rules, flag: config.model || undefined }).path;
  } catch (error) {
    if (!config.model || options.explicitModel) throw error;
    let path: string;
    try {
      path = resolveLocalModel(rules).path;
    } catch {
      throw error; // the configured file's error names it; the fallback's would not
    }
    options.onWarning?.(`model ${config.model} is gone; using ${path}`);
    return path;
  }
}

/**
 * The generators alongside the session's (config.generator.alongside): each with the session's sampling and its
 * own provider, model and base URL, giving its branching factor of candidates a step.
 */
export function makeAlongside(
  config: GeneratorConfig,
  options: MakeGeneratorOptions,
): { generator: Generator; n: number }[] {
  return config.alongside.map((a) => ({
    generator: makeGenerator(
      { ...config, provider: a.provider, model: a.model, baseUrl: a.baseUrl, alongside: [] },
      { ...options, explicitModel: a.model !== "" },
    ),
    n: a.branchingFactor,
  }));
}

export function makeGenerator(config: GeneratorConfig, options: MakeGeneratorOptions): Generator {
  // A stored config can predate the checks `loom new` makes: say which setting to fix, before any call.
  checkGenerator(config, "config");
  const model = config.provider === "local" ? localModelPath(config, options) : config.model;
  return createGenerator({ ...config, model }, { env: options.env });
}
