// Loading a GGUF model with node-llama-cpp: CPU by default, threads capped, one context holding every sequence.
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import type { Llama, LlamaContext, LlamaContextSequence, LlamaModel } from "node-llama-cpp";
import { GeneratorError } from "../errors.js";

export interface LocalModelOptions {
  modelPath: string;
  /** Tokens per sequence. Default: the model's trained context, at most 2048. */
  contextSize?: number;
  /** Candidate sequences sampled together; a step with a larger `n` runs in waves. Default 8. */
  parallel?: number;
  /**
   * CPU threads. Default: one less than the machine's cores (at least 1). llama.cpp threads
   * spin while they wait, so using every core on a shared machine made steps ~10× slower here.
   */
  threads?: number;
  /** `false` (default) for CPU only; `"auto"` lets node-llama-cpp pick a GPU backend it finds. */
  gpu?: false | "auto";
  /** llama.cpp's flash attention (default: node-llama-cpp's choice for the model). */
  flashAttention?: boolean;
  /** KV-cache element type, e.g. "F32" or "F16" (default: node-llama-cpp's, F16). */
  kvCacheType?: "F32" | "F16" | "Q8_0";
}

export interface LoadedLocalModel {
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  /** Holds the evaluated prompt prefix across steps. */
  main: LlamaContextSequence;
  /** One per parallel candidate; each starts a step as a copy of `main`. */
  workers: LlamaContextSequence[];
  contextSize: number;
  threads: number;
}

export function defaultThreads(): number {
  return Math.max(1, availableParallelism() - 1);
}

export async function loadLocalModel(options: LocalModelOptions): Promise<LoadedLocalModel> {
  if (!existsSync(options.modelPath)) {
    throw new GeneratorError("model_load", `local engine: model file not found: ${options.modelPath} (check modelPath / --model)`);
  }
  const parallel = options.parallel ?? 8;
  if (!Number.isInteger(parallel) || parallel < 1) {
    throw new GeneratorError("invalid_request", `local engine: parallel must be a positive integer, got ${parallel}`);
  }
  const threads = Math.max(1, Math.min(options.threads ?? defaultThreads(), availableParallelism()));
  // Loaded on first use so importing @loom/generators never loads the native addon.
  const { getLlama, LlamaLogLevel } = await import("node-llama-cpp");
  try {
    const llama = await getLlama({ gpu: options.gpu ?? false, build: "never", maxThreads: threads, logLevel: LlamaLogLevel.error });
    const model = await llama.loadModel({ modelPath: options.modelPath });
    const contextSize = options.contextSize ?? Math.min(model.trainContextSize || 2048, 2048);
    const context = await model.createContext({
      contextSize,
      sequences: parallel + 1,
      threads,
      ...(options.flashAttention !== undefined ? { flashAttention: options.flashAttention } : {}),
      ...(options.kvCacheType ? { experimentalKvCacheKeyType: options.kvCacheType, experimentalKvCacheValueType: options.kvCacheType } : {}),
    });
    const main = context.getSequence();
    const workers = Array.from({ length: parallel }, () => context.getSequence());
    return { llama, model, context, main, workers, contextSize: context.contextSize, threads };
  } catch (error) {
    throw new GeneratorError("model_load", `local engine: could not load ${options.modelPath}: ${(error as Error).message}`, { cause: error });
  }
}

export async function disposeLocalModel(loaded: LoadedLocalModel): Promise<void> {
  await loaded.context.dispose();
  await loaded.model.dispose();
  await loaded.llama.dispose();
}
