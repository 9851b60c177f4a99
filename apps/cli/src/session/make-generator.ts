// Builds the generator a session's config names (the local GGUF engine by default).
import type { GeneratorConfig, Generator } from "@loom/core";
import { createLocalGenerator } from "@loom/generators";
import { FailureError } from "../cli/exit-error.js";
import { resolveLocalModel } from "../model/model-locations.js";

export interface MakeGeneratorOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  allowCheckoutModel?: boolean;
  /** Candidates sampled at once; the local engine sizes its context for this many sequences. */
  parallel?: number;
  onWarning?: (message: string) => void;
}

export async function makeGenerator(config: GeneratorConfig, options: MakeGeneratorOptions): Promise<Generator> {
  if (config.provider === "local") {
    // The stored path first; if the file moved, the usual rules (LOOM_MODEL, cache) find another.
    let path: string;
    try {
      path = resolveLocalModel({ flag: config.model || undefined, env: options.env, cwd: options.cwd, allowCheckoutModel: options.allowCheckoutModel ?? false }).path;
    } catch (error) {
      if (!config.model) throw error;
      try {
        path = resolveLocalModel({ env: options.env, cwd: options.cwd, allowCheckoutModel: options.allowCheckoutModel ?? false }).path;
      } catch {
        throw error; // the configured file's error names it; the fallback's would not
      }
      options.onWarning?.(`model ${config.model} is gone; using ${path}`);
    }
    return createLocalGenerator({ modelPath: path, parallel: Math.min(config.branchingFactor, 16) });
  }
  const generators = (await import("@loom/generators")) as Record<string, unknown>;
  const factory = generators["createGenerator"] as ((c: GeneratorConfig, o: { env: NodeJS.ProcessEnv }) => Generator | Promise<Generator>) | undefined;
  if (!factory) throw new FailureError(`generator "${config.provider}" is not available in this build`, "use --generator local");
  return factory(config, { env: options.env });
}
