// Probe the generator a config names: build it as a session would, then one tiny request; a config that cannot be built is reported, not thrown.
import type { GeneratorConfig, ServiceProbe } from "@loom/core";
import { failedProbe } from "@loom/core/internal";
import { createGenerator } from "../create-generator.js";
import type { Env } from "../http/api-key.js";
import { probeGenerator } from "./probe-generator.js";

export async function probeGeneratorConfig(
  config: Partial<GeneratorConfig> & { provider?: string },
  env: Env,
  signal?: AbortSignal,
): Promise<ServiceProbe> {
  let generator;
  try {
    generator = createGenerator(config, { env });
  } catch (error) {
    return failedProbe(
      "generator",
      { provider: config.provider ?? "local", model: config.model ?? "", baseURL: config.baseUrl ?? null },
      error,
    );
  }
  try {
    return await probeGenerator(generator, signal ? { signal } : {});
  } finally {
    await generator.close?.();
  }
}
