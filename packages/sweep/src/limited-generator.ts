// A generator whose every request first takes a slot of its provider's shared limits, and whose 429s block the provider for every worker.
import type { GenerateRequest, GenerateResult, Generator } from "@loom/core";
import { APICallError } from "@loom/generators";
import type { SharedLimits } from "./shared-limits.js";

export interface LimitedGeneratorOptions {
  /** The provider's name in the plan's `[limits]` (the generator config's `provider`). */
  provider: string;
  /** 429s in a row before the error is thrown (default 8). */
  maxRateLimited?: number;
}

/** Tokens a request may use, before it is sent: the prompt at ~4 characters a token, and every candidate at full length. */
function estimateTokens(request: GenerateRequest): number {
  const prompt = typeof request.prompt === "string" ? request.prompt : request.prompt.text;
  return Math.ceil(prompt.length / 4) + request.n * request.maxTokens;
}

/** The wait a 429 asks for (retry-after-ms, retry-after seconds), else exponential from 1 s. */
function waitAfter429(error: APICallError, attempt: number): number {
  const headers = Object.fromEntries(Object.entries(error.responseHeaders).map(([k, v]) => [k.toLowerCase(), v]));
  const ms = Number(headers["retry-after-ms"]);
  if (Number.isFinite(ms) && ms >= 0 && headers["retry-after-ms"] !== undefined) return ms;
  const seconds = Number(headers["retry-after"]);
  if (Number.isFinite(seconds) && headers["retry-after"] !== undefined) return seconds * 1000;
  return Math.min(60_000, 1000 * 2 ** attempt);
}

/**
 * Wraps `inner` (built with its own retries of 429 turned off, so the wait is shared rather than private).
 * Streaming is not offered: a sweep has nobody watching text arrive.
 */
export function limitedGenerator(inner: Generator, limits: SharedLimits, options: LimitedGeneratorOptions): Generator {
  const { provider } = options;
  const maxRateLimited = options.maxRateLimited ?? 8;
  const generate = async (request: GenerateRequest): Promise<GenerateResult> => {
    for (let attempt = 0; ; attempt++) {
      const estimate = estimateTokens(request);
      await limits.acquire(provider, estimate, request.signal);
      let result: GenerateResult;
      try {
        result = await inner.generate(request);
      } catch (error) {
        if (!APICallError.isInstance(error) || error.statusCode !== 429 || attempt >= maxRateLimited) throw error;
        await limits.block(provider, waitAfter429(error, attempt));
        continue;
      }
      await limits.settle(provider, result.usage.promptTokens + result.usage.completionTokens - estimate);
      return result;
    }
  };
  return {
    specificationVersion: inner.specificationVersion,
    provider: inner.provider,
    model: inner.model,
    capabilities: { ...inner.capabilities, streaming: false },
    generate,
    ...(inner.close ? { close: () => inner.close!() } : {}),
  };
}
