// Refuses, before anything is written or paid for, a generator config that cannot run — in the words of the flags that fix it.
import type { GeneratorConfig } from "@loom/core";
import { UsageError } from "../cli/exit-error.js";

/** Providers with a model they use when none is named (anything else needs --model). */
const MODEL_OPTIONAL = new Set(["local", "openai", "anthropic-cli-sim", "anthropic-prefill", "scripted"]);

/**
 * `how` is how the user sets things in this context: flags on `new`/`run`, or keys of `loom config`.
 */
export function checkGenerator(g: GeneratorConfig, how: "flags" | "config" = "flags"): void {
  const modelFix = how === "flags" ? "--model MODEL" : "`loom config SESSION set generator.model MODEL`";
  const urlFix = how === "flags" ? "--base-url URL" : "`loom config SESSION set generator.baseUrl URL`";
  if (!MODEL_OPTIONAL.has(g.provider) && !g.model) {
    throw new UsageError(
      `the ${g.provider} generator needs a model: pass ${modelFix} (the provider's model id)`,
      "or run offline on the local engine with --generator local",
    );
  }
  if (g.provider === "openai-compatible" && !g.baseUrl) {
    throw new UsageError(
      `the openai-compatible generator needs the server's address: pass ${urlFix} (e.g. http://127.0.0.1:8080/v1)`,
      "or use a preset: --generator vllm, llamacpp, ollama, openrouter…",
    );
  }
}
