// `loom model path`: which GGUF file the local engine would load, and why.
import { defineCommand } from "../cli/define-command.js";
import { cachedModels, modelsDir, resolveLocalModel } from "../model/model-locations.js";

export default defineCommand({
  name: "model path",
  summary: "print which model the local engine would use",
  options: {
    model: { type: "string", valueName: "PATH|NAME", description: "as `loom new --model` would take it" },
  },
  examples: [
    { command: "loom model path", description: "The model from LOOM_MODEL or the cache." },
    { command: "loom model path --json", description: "Path, the rule that chose it, and the cached models." },
  ],
  async run({ values, env, cwd, out }) {
    const choice = resolveLocalModel({ flag: values.model, env, cwd });
    out.result(
      { ...choice, cache: modelsDir(env), cached: cachedModels(env) },
      () => `${choice.path}  (from ${choice.source})`,
    );
  },
});
