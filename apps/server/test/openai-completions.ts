// OpenAI's legacy completions reply as the strict replay server sends it, for tests whose generator is OpenAI's SDK.
import type { RecordedRequest } from "@loom/testkit";

/** OpenAI's legacy completions reply with `n` choices (the shape of the generators' openai-completion-logprobs.json fixture). */
export function completion(request: RecordedRequest, served: number) {
  const n = (request.json as { n?: number }).n ?? 1;
  return {
    body: {
      id: `cmpl-ahead${served}`,
      object: "text_completion",
      created: 1764059000,
      model: "davinci-002",
      choices: Array.from({ length: n }, (_, i) => ({
        text: ` the fox${i}`,
        index: i,
        logprobs: {
          tokens: [" the", ` fox${i}`],
          token_logprobs: [-0.4, -1.5 - i],
          top_logprobs: [
            { " the": -0.4, " a": -1.2 },
            { [` fox${i}`]: -1.5 - i, " cat": -1.9 },
          ],
          text_offset: [0, 4],
        },
        finish_reason: "length",
      })),
      usage: { prompt_tokens: 5, completion_tokens: 2 * n, total_tokens: 5 + 2 * n },
    },
  };
}
