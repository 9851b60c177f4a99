// Mapping a completions response's logprobs into Loom's Token format, in either layout servers use today.
import type { FinishReason, Token } from "@loom/core";

/** One token of the `logprobs.content[]` layout (llama.cpp's server, OpenRouter, chat-style servers). */
export interface ContentLogprob {
  id?: number | null;
  token?: string | null;
  bytes?: number[] | null;
  logprob?: number | null;
  top_logprobs?:
    | { id?: number | null; token?: string | null; bytes?: number[] | null; logprob?: number | null }[]
    | null;
}

/**
 * A choice's `logprobs` object. Legacy layout (OpenAI, vLLM, Fireworks, Together): parallel
 * arrays `tokens` / `token_logprobs` / `top_logprobs` (one `{token: logprob}` map per token).
 * Content layout (llama.cpp's `tools/server`): `content: [{id, token, bytes, logprob, top_logprobs: [...]}]`.
 */
export interface CompletionLogprobs {
  tokens?: (string | null)[] | null;
  token_logprobs?: (number | null)[] | null;
  top_logprobs?: (Record<string, number> | null)[] | Record<string, number> | null;
  token_ids?: (number | null)[] | null;
  content?: ContentLogprob[] | null;
}

export type LogprobsLayout = "legacy" | "content";

/** Which layout a logprobs object uses; null when it carries no tokens. */
export function logprobsLayoutOf(logprobs: CompletionLogprobs | null | undefined): LogprobsLayout | null {
  if (Array.isArray(logprobs?.content)) return "content";
  if (Array.isArray(logprobs?.tokens)) return "legacy";
  return null;
}

const finite = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);

/** Alternatives most likely first, exactly `topN` of them at most (servers send `logprobs + 1` or pad); none when `topN` is 0. */
function normaliseTop(top: { text: string; logprob: number }[], topN: number | undefined): Token["top"] {
  if (topN === 0) return undefined;
  const sorted = top.filter((t) => finite(t.logprob)).sort((a, b) => b.logprob - a.logprob);
  return topN === undefined ? sorted : sorted.slice(0, topN);
}

/** Tokens with their logprobs and top alternatives; null when the response has none. `topN` caps the alternatives kept. */
export function tokensFromLogprobs(logprobs: CompletionLogprobs | null | undefined, topN?: number): Token[] | null {
  const layout = logprobsLayoutOf(logprobs);
  if (!logprobs || layout === null) return null;
  const tokens: Token[] = [];
  if (layout === "content") {
    for (const entry of logprobs.content!) {
      const token: Token = { text: entry.token ?? "" };
      if (typeof entry.id === "number") token.id = entry.id;
      // llama.cpp reports log(0) as the lowest float rather than -Infinity; both mean "no usable logprob".
      if (finite(entry.logprob) && entry.logprob > -1e30) token.logprob = entry.logprob;
      const top = normaliseTop(
        (entry.top_logprobs ?? []).map((t) => ({ text: t.token ?? "", logprob: t.logprob ?? Number.NaN })),
        topN,
      );
      if (top && entry.top_logprobs) token.top = top;
      tokens.push(token);
    }
  } else {
    const tops = Array.isArray(logprobs.top_logprobs) ? logprobs.top_logprobs : null;
    logprobs.tokens!.forEach((text, i) => {
      const token: Token = { text: text ?? "" };
      const id = logprobs.token_ids?.[i];
      if (typeof id === "number") token.id = id;
      const lp = logprobs.token_logprobs?.[i];
      if (finite(lp)) token.logprob = lp;
      const map = tops?.[i];
      if (map && typeof map === "object") {
        const top = normaliseTop(
          Object.entries(map).map(([t, l]) => ({ text: t, logprob: l })),
          topN,
        );
        if (top) token.top = top;
      }
      tokens.push(token);
    });
  }
  return tokens.length > 0 ? tokens : null;
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
