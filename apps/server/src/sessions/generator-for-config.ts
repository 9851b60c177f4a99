// The generator a session's config names, built by @loom/generators' factory; keys come from the server's environment.
import { GENERATOR_SPECIFICATION_VERSION, type Generator, type GeneratorConfig } from "@loom/core";
import { createGenerator } from "@loom/generators";
import { HttpError } from "../http/http-error.js";

/**
 * A session must open for reading even when its generator cannot be built here (no model file, no
 * API key): the page shows it, and only a request for candidates fails, with the reason.
 */
export function generatorForConfig(
  config: GeneratorConfig,
  env: Record<string, string | undefined> = process.env,
  options: { strict?: boolean } = {},
): Generator {
  // A new session is refused at once instead (strict): there is nothing yet to read.
  const unavailable = (error: HttpError): Generator => {
    if (options.strict) throw error;
    return unavailableGenerator(config, error);
  };
  if (config.provider === "local" && !config.model && !env.LOOM_MODEL) {
    return unavailable(
      new HttpError(
        400,
        "missing_model",
        "the local engine needs a model file: set generator.model (or start the server with --model / LOOM_MODEL)",
        { field: "generator.model" },
      ),
    );
  }
  try {
    return createGenerator(config, env);
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    return unavailable(
      new HttpError(
        400,
        "generator_unavailable",
        `this session's generator (${config.provider}) cannot run on this server: ${message}`,
        { field: "generator" },
      ),
    );
  }
}

/** The generators alongside the session's, each built as the session's is (its sampling, its own provider and model). */
export function alongsideForConfig(
  config: GeneratorConfig,
  env: Record<string, string | undefined> = process.env,
  strict = false,
): { generator: Generator; n: number }[] {
  return config.alongside.map((a) => ({
    generator: generatorForConfig(
      { ...config, provider: a.provider, model: a.model, baseUrl: a.baseUrl, alongside: [] },
      env,
      { strict },
    ),
    n: a.branchingFactor,
  }));
}

function unavailableGenerator(config: GeneratorConfig, error: HttpError): Generator {
  return {
    specificationVersion: GENERATOR_SPECIFICATION_VERSION,
    provider: config.provider,
    model: config.model ?? "",
    capabilities: { logprobs: false, nativeN: false, streaming: false, seed: false },
    generate: () => Promise.reject(error),
  };
}
