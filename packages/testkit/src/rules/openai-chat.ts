// OpenAI chat-completions rules for the selectors' models (reasoning models refuse max_tokens and non-default temperature).
import { requireFields, type ServiceRules } from "../service-rules.js";

const CHAT = /\/chat\/completions$/;
const reasoning = (model: unknown) => /^(?:gpt-5|o\d)/.test(String(model ?? ""));

export const OPENAI_CHAT_RULES: ServiceRules = {
  service: "openai-chat",
  source: "OpenAI API reference, chat completions (reasoning models: max_completion_tokens, default temperature only)",
  errorBody: (message) => ({
    error: { message, type: "invalid_request_error", param: null, code: "unsupported_parameter" },
  }),
  rules: [
    requireFields("openai.chat.required-fields", ["model", "messages"], CHAT),
    {
      name: "openai.chat.max-completion-tokens",
      paths: CHAT,
      check: (b) =>
        b["max_tokens"] !== undefined && reasoning(b["model"])
          ? "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead."
          : null,
    },
    {
      name: "openai.chat.default-temperature",
      paths: CHAT,
      check: (b) =>
        b["temperature"] !== undefined && b["temperature"] !== 1 && reasoning(b["model"])
          ? `Unsupported value: 'temperature' does not support ${String(b["temperature"])} with this model. Only the default (1) value is supported.`
          : null,
    },
  ],
};
