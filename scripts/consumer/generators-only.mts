// A consumer of @loom/generators alone (no node-llama-cpp installed): its published .d.ts must not need the local engine's types.
import type { Generator } from "@loom/core";
import { createGenerator, LocalGenerator, type LocalEngineInfo } from "@loom/generators";

const generator: Generator = createGenerator({ provider: "openai", model: "davinci-002", apiKey: "unused" });
export async function info(path: string): Promise<LocalEngineInfo> {
  return new LocalGenerator({ modelPath: path }).load();
}
export const provider: string = generator.provider;
