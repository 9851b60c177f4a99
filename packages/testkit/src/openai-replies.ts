// Replies of OpenAI's legacy completions endpoint, shaped as the service sends them (fixture openai-completion-logprobs.json's layout).
import type { RecordedRequest, ReplayResponse } from "./replay-server.js";

const WORDS = [" the", " fox", " ran", " home", " late", " again"];

/**
 * A completion with the request's `n` choices of two tokens each, with legacy logprobs (tokens, token_logprobs,
 * top_logprobs, text_offset) and usage; `serial` varies the text and the id from one reply to the next.
 */
export function openaiCompletionReply(request: RecordedRequest, serial: number): ReplayResponse {
  const body = request.json as { n?: number };
  const n = body.n ?? 1;
  return {
    body: {
      id: `cmpl-replay${serial}`,
      object: "text_completion",
      created: 1764059000,
      model: "davinci-002",
      choices: Array.from({ length: n }, (_, i) => {
        const tokens = [WORDS[i % 6]!, WORDS[(i + serial) % 6]!];
        return {
          text: tokens.join(""),
          index: i,
          logprobs: {
            tokens,
            token_logprobs: [-0.5 - i, -1.25],
            top_logprobs: tokens.map((t) => ({ [t]: -0.5 - i, " a": -2 })),
            text_offset: [0, tokens[0]!.length],
          },
          finish_reason: "length",
        };
      }),
      usage: { prompt_tokens: 9, completion_tokens: 2 * n, total_tokens: 9 + 2 * n },
    },
  };
}
