// The models Loom names when the user names none: one place, checked by a test against the SDKs' deprecation lists.

/**
 * Default model per role. Every name here must be served today: `davinci-002` is in the
 * completion-model union of openai 6.49's `CompletionCreateParams`; the Claude names are in
 * @anthropic-ai/sdk 1.13's `Model` union and absent from its `deprecated-models.js`.
 */
export const DEFAULT_MODELS = {
  /** OpenAI's legacy completions endpoint: a base model, not an instruction-tuned one. */
  openaiCompletion: "davinci-002",
  /** Anthropic CLI-sim generation: can turn up-front thinking off (`between_tools`), so short candidates are not eaten by thinking. */
  anthropicCliSim: "claude-sonnet-5-5",
  /** Anthropic prefill generation: the one current model that still accepts a final assistant turn. */
  anthropicPrefill: "claude-haiku-4-5",
  /** LLM selectors. */
  anthropicSelector: "claude-sonnet-5-5",
  openaiSelector: "gpt-5.4-mini",
} as const;

export type DefaultModelRole = keyof typeof DEFAULT_MODELS;
