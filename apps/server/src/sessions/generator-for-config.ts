// The generator a session's config names, built by @loom/generators' factory; keys come from the server's environment.
import type { Generator, GeneratorConfig } from "@loom/core";
import { createGenerator } from "@loom/generators";
import { HttpError } from "../http/http-error.js";

export function generatorForConfig(config: GeneratorConfig, env: Record<string, string | undefined> = process.env): Generator {
  if (config.provider === "local" && !config.model && !env.LOOM_MODEL) {
    throw new HttpError(400, "missing_model", "the local engine needs a model file: set generator.model (or start the server with --model / LOOM_MODEL)", { field: "generator.model" });
  }
  return createGenerator(config, env);
}
