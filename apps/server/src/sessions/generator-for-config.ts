// The generator a session's config names. The local engine needs no key; HTTP providers are built by @loom/generators.
import type { Generator, GeneratorConfig } from "@loom/core";
import { createLocalGenerator } from "@loom/generators";
import { HttpError } from "../http/http-error.js";

export function generatorForConfig(config: GeneratorConfig): Generator {
  if (config.provider === "local") {
    if (!config.model) {
      throw new HttpError(400, "missing_model", "the local engine needs a model file: set generator.model (or start the server with --model / LOOM_MODEL)", { field: "generator.model" });
    }
    return createLocalGenerator({ modelPath: config.model });
  }
  throw new HttpError(400, "unknown_generator_provider", `generator provider "${config.provider}" is not available in this server`, { field: "generator.provider" });
}
