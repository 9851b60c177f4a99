// Loading a GGUF model with node-llama-cpp: CPU by default (no flash attention there), threads capped, one context holding every sequence.
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { importLlama } from "./import-llama.js";
import type { Llama, LlamaContext, LlamaContextSequence, LlamaModel } from "node-llama-cpp";
import { GeneratorError } from "../errors.js";

export interface LocalModelOptions {
  modelPath: string;
  /** Tokens per sequence. Default: the model's trained context, at most 2048. */
  contextSize?: number;
  /** Candidate sequences sampled together; a step with a larger `n` runs in waves. Default 8. */
  parallel?: number;
  /**
   * CPU threads. Default: one less than the machine's cores (at least 1): llama.cpp threads
   * spin while they wait, so taking every core starves the rest of the machine and the engine with it.
   */
  threads?: number;
  /** `false` (default) for CPU only; `"auto"` lets node-llama-cpp pick a GPU backend it finds. */
  gpu?: false | "auto";
  /**
   * llama.cpp's flash attention. Default: off on the CPU (where llama.cpp's kernel made a step's cost grow with the text),
   * node-llama-cpp's choice for the model with a GPU.
   */
  flashAttention?: boolean;
  /**
   * KV-cache element type (default: node-llama-cpp's, F16). F32 is no faster with flash attention
   * off and doubles the cache's memory (measurements: bench/MEASUREMENTS.md).
   */
  kvCacheType?: "F32" | "F16" | "Q8_0";
}

export interface LoadedLocalModel {
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  /** Holds the evaluated prompt prefix across steps: the source of the workers' copies. */
  main: LlamaContextSequence;
  /** One per parallel candidate; each starts a step holding the prompt, kept from the last step or copied from `main`. */
  workers: LlamaContextSequence[];
  contextSize: number;
  threads: number;
  /** Token ids run from 0 to this (exclusive); null when the file does not list its tokens. */
  vocabularySize: number | null;
}

export function defaultThreads(): number {
  return Math.max(1, availableParallelism() - 1);
}

/**
 * Flash attention unless the caller chose one: off on the CPU, node-llama-cpp's choice with a GPU.
 *
 * node-llama-cpp's default ("auto") turns it on on the CPU too, where llama.cpp's flash-attention
 * kernel makes a step's cost grow with the length of the text (measurements, bench
 * `local-step-context-growth`: bench/MEASUREMENTS.md). `undefined` leaves the choice to node-llama-cpp.
 */
export function defaultFlashAttention(onGpu: boolean, flashAttention?: boolean): boolean | undefined {
  return flashAttention ?? (onGpu ? undefined : false);
}

export async function loadLocalModel(options: LocalModelOptions): Promise<LoadedLocalModel> {
  if (!existsSync(options.modelPath)) {
    throw new GeneratorError(
      "model_load",
      `local engine: model file not found: ${options.modelPath} (check modelPath / --model)`,
    );
  }
  const parallel = options.parallel ?? 8;
  if (!Number.isInteger(parallel) || parallel < 1) {
    throw new GeneratorError("invalid_request", `local engine: parallel must be a positive integer, got ${parallel}`);
  }
  const threads = Math.max(1, Math.min(options.threads ?? defaultThreads(), availableParallelism()));
  // Loaded on first use so importing @loom/generators never loads the native addon (nor needs it installed).
  const { getLlama, LlamaLogLevel } = await importLlama();
  try {
    const llama = await getLlama({
      gpu: options.gpu ?? false,
      build: "never",
      maxThreads: threads,
      logLevel: LlamaLogLevel.error,
    });
    // `gpu: "auto"` falls back to the CPU when it finds no GPU, so decide from what was loaded.
    const flashAttention = defaultFlashAttention(llama.gpu !== false, options.flashAttention);
    const model = await llama.loadModel({ modelPath: options.modelPath });
    const contextSize = options.contextSize ?? Math.min(model.trainContextSize || 2048, 2048);
    const context = await model.createContext({
      contextSize,
      sequences: parallel + 1,
      threads,
      ...(flashAttention !== undefined ? { flashAttention } : {}),
      ...(options.kvCacheType
        ? { experimentalKvCacheKeyType: options.kvCacheType, experimentalKvCacheValueType: options.kvCacheType }
        : {}),
    });
    const main = context.getSequence();
    const workers = Array.from({ length: parallel }, () => context.getSequence());
    const listed: unknown = model.fileInfo.metadata.tokenizer?.ggml?.tokens;
    const vocabularySize = Array.isArray(listed) ? listed.length : null;
    return { llama, model, context, main, workers, contextSize: context.contextSize, threads, vocabularySize };
  } catch (error) {
    throw new GeneratorError(
      "model_load",
      `local engine: could not load ${options.modelPath}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

export async function disposeLocalModel(loaded: LoadedLocalModel): Promise<void> {
  await loaded.context.dispose();
  await loaded.model.dispose();
  await loaded.llama.dispose();
}
