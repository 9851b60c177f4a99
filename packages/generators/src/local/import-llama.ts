// Loading node-llama-cpp, an optional peer dependency: only when the local engine is used, naming the install command when it is missing.
import { GeneratorError } from "../errors.js";

/**
 * The range @loom/generators is built and tested against (its peerDependencies entry): patch releases of 3.22 only,
 * because the engine copies one sequence's state into another with an internal of 3.22 (see LocalGenerator's
 * `copyState`, which runs without it).
 */
export const NODE_LLAMA_CPP_RANGE = "~3.22.1";

const MISSING = /Cannot find (?:package|module) ['"]node-llama-cpp['"]/;

export async function importLlama(): Promise<typeof import("node-llama-cpp")> {
  try {
    return await import("node-llama-cpp");
  } catch (error) {
    // Only the package itself missing; a broken install inside it is reported as it is.
    if (MISSING.test((error as Error).message ?? "")) {
      throw new GeneratorError(
        "model_load",
        `local engine: node-llama-cpp is not installed (it is an optional peer dependency of @loom/generators, needed only for the local engine); install it with \`npm install node-llama-cpp@${NODE_LLAMA_CPP_RANGE}\``,
        { cause: error },
      );
    }
    throw error;
  }
}
