// Mapping the completions API's logprobs (tokens, token_logprobs, top_logprobs) into Loom's Token format.
import type { FinishReason, Token } from "@loom/core";

/** The legacy completions logprobs object, as OpenAI, vLLM, llama.cpp, Fireworks and Together return it. */
export interface CompletionLogprobs {
  tokens?: (string | null)[] | null;
  token_logprobs?: (number | null)[] | null;
  /** One `{token: logprob}` map per token (some servers send a bare map or omit it). */
  top_logprobs?: (Record<string, number> | null)[] | Record<string, number> | null;
  token_ids?: (number | null)[] | null;
}

/** Tokens with their logprobs and top alternatives (sorted, most likely first); null when the response has none. */
export function tokensFromLogprobs(logprobs: CompletionLogprobs | null | undefined): Token[] | null {
  const texts = logprobs?.tokens;
  if (!logprobs || !texts || texts.length === 0) return null;
  const tops = Array.isArray(logprobs.top_logprobs) ? logprobs.top_logprobs : null;
  return texts.map((text, i) => {
    const token: Token = { text: text ?? "" };
    const id = logprobs.token_ids?.[i];
    if (typeof id === "number") token.id = id;
    const lp = logprobs.token_logprobs?.[i];
    if (typeof lp === "number" && Number.isFinite(lp)) token.logprob = lp;
    const top = tops?.[i];
    if (top && typeof top === "object") {
      token.top = Object.entries(top)
        .map(([t, l]) => ({ text: t, logprob: l }))
        .sort((a, b) => b.logprob - a.logprob);
    }
    return token;
  });
}

/** Sum of the tokens' logprobs, or null when any is missing (a partial sum would mislead). */
export function stepLogprobOf(tokens: Token[] | null): number | null {
  if (!tokens || tokens.length === 0) return null;
  let sum = 0;
  for (const t of tokens) {
    if (t.logprob === undefined) return null;
    sum += t.logprob;
  }
  return sum;
}

/** Normalise a provider's finish reason. */
export function finishReasonOf(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case "stop":
    case "eos":
    case "end_turn":
    case "stop_sequence":
      return "stop";
    case "length":
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "content_filter":
    case "refusal":
      return "content_filter";
    default:
      return "unknown";
  }
}
