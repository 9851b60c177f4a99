// Anthropic Messages API (version 2026-10-21) rules, from the API reference, model migration guides and error pages (November 2026).
import { isRecord, requireFields, type ServiceRule, type ServiceRules } from "../service-rules.js";

const MESSAGES = /\/v1\/messages$/;
const version = (model: unknown) => String(model ?? "").toLowerCase();
/** Claude 4.6 and later (every 5.x family, Opus 4.7/4.8, Mythos). */
const isFourSixOrLater = (m: string) =>
  /^claude-(?:(?:opus|sonnet|haiku)-4-[6-9]|mythos|fable|(?:opus|sonnet|haiku)-5)/.test(m);
const isFiveFive = (m: string) =>
  /^claude-(?:opus|sonnet|haiku)-5-5|^claude-fable-5-[12]|^claude-mythos-5-[12]/.test(m);
const alwaysThinks = (m: string) => /^claude-(?:opus-5-5|fable|mythos)/.test(m);
const thinksByDefault = (m: string) => /^claude-(?:(?:opus|sonnet|haiku)-5|fable|mythos)/.test(m);
const thinkingType = (b: Record<string, unknown>) => (isRecord(b["thinking"]) ? String(b["thinking"]["type"]) : null);
const thinkingOn = (b: Record<string, unknown>) => {
  const t = thinkingType(b);
  return t === "adaptive" || t === "enabled" || (t === null && thinksByDefault(version(b["model"])));
};
const blocksOf = (content: unknown): Record<string, unknown>[] =>
  typeof content === "string"
    ? [{ type: "text", text: content }]
    : Array.isArray(content)
      ? content.filter(isRecord)
      : [];
const messagesOf = (b: Record<string, unknown>) => (Array.isArray(b["messages"]) ? b["messages"].filter(isRecord) : []);

const rules: ServiceRule[] = [
  requireFields("anthropic.required-fields", ["model", "max_tokens", "messages"], MESSAGES),
  {
    name: "anthropic.no-sampling-parameters",
    paths: MESSAGES,
    check: (b) => {
      const sent = ["temperature", "top_p", "top_k"].filter((k) => b[k] !== undefined);
      return sent.length
        ? `${sent[0]}: Extra inputs are not permitted (API version 2026-10-21 takes no sampling parameters)`
        : null;
    },
  },
  {
    name: "anthropic.stop-sequences-non-whitespace",
    paths: MESSAGES,
    check: (b) => {
      const stops = Array.isArray(b["stop_sequences"]) ? b["stop_sequences"] : [];
      return stops.some((s) => typeof s !== "string" || !/\S/.test(s))
        ? "stop_sequences: each stop sequence must contain non-whitespace"
        : null;
    },
  },
  {
    name: "anthropic.prefill-not-supported",
    paths: MESSAGES,
    check: (b) => {
      const last = messagesOf(b).at(-1);
      return last?.["role"] === "assistant" && isFourSixOrLater(version(b["model"]))
        ? "This model does not support assistant message prefill. The conversation must end with a user message."
        : null;
    },
  },
  {
    name: "anthropic.prefill-no-trailing-whitespace",
    paths: MESSAGES,
    check: (b) => {
      const last = messagesOf(b).at(-1);
      if (last?.["role"] !== "assistant") return null;
      const text = blocksOf(last["content"])
        .map((x) => (x["type"] === "text" ? String(x["text"] ?? "") : ""))
        .join("");
      return /\s$/.test(text) ? "messages: final assistant content cannot end with trailing whitespace" : null;
    },
  },
  {
    name: "anthropic.non-empty-messages",
    paths: MESSAGES,
    check: (b) => {
      const msgs = messagesOf(b);
      const empty = msgs.findIndex((m, i) => {
        const blocks = blocksOf(m["content"]);
        const final = i === msgs.length - 1 && m["role"] === "assistant";
        return (
          !final &&
          (blocks.length === 0 || blocks.every((x) => x["type"] === "text" && String(x["text"] ?? "").trim() === ""))
        );
      });
      return empty >= 0
        ? `messages.${empty}: all messages must have non-empty content except for the optional final assistant message`
        : null;
    },
  },
  {
    name: "anthropic.tool-results-follow-tool-use",
    paths: MESSAGES,
    check: (b) => {
      const msgs = messagesOf(b);
      for (let i = 0; i < msgs.length; i++) {
        const uses = blocksOf(msgs[i]!["content"])
          .filter((x) => x["type"] === "tool_use")
          .map((x) => String(x["id"]));
        if (msgs[i]!["role"] !== "assistant" || uses.length === 0 || i === msgs.length - 1) continue;
        const answered = new Set(
          blocksOf(msgs[i + 1]!["content"])
            .filter((x) => x["type"] === "tool_result")
            .map((x) => String(x["tool_use_id"])),
        );
        const missing = uses.filter((id) => !answered.has(id));
        if (missing.length)
          return `messages.${i + 1}: tool_use ids were found without tool_result blocks immediately after: ${missing.join(", ")}`;
      }
      return null;
    },
  },
  {
    name: "anthropic.thinking-type-accepted",
    paths: MESSAGES,
    check: (b) => {
      const m = version(b["model"]);
      const t = thinkingType(b);
      if (t === "disabled" && /^claude-sonnet-5-5/.test(m))
        return 'thinking.type: "disabled" is not supported for this model; use "between_tools" to turn off up-front thinking';
      if ((t === "disabled" || t === "between_tools") && alwaysThinks(m))
        return `thinking.type: "${t}" is not supported for this model; it always thinks (use "adaptive")`;
      if (t === "between_tools" && !/^claude-sonnet-5-5/.test(m))
        return 'thinking.type: "between_tools" is not supported for this model';
      if (t === "enabled" && (/^claude-opus-4-[78]/.test(m) || thinksByDefault(m)))
        return 'thinking.type.enabled is not supported for this model; use thinking.type "adaptive" and output_config.effort';
      return null;
    },
  },
  {
    name: "anthropic.forced-tool-choice",
    paths: MESSAGES,
    check: (b) => {
      const choice = isRecord(b["tool_choice"]) ? String(b["tool_choice"]["type"]) : null;
      if (choice !== "tool" && choice !== "any") return null;
      if (isFiveFive(version(b["model"])))
        return "tool_choice: forced tool use is not supported for this model; use tool_choice auto";
      return thinkingOn(b) ? "Thinking may not be enabled when tool_choice forces tool use." : null;
    },
  },
];

export const ANTHROPIC_RULES: ServiceRules = {
  service: "anthropic",
  source: "Anthropic Messages API reference, Claude 4.6/5/5.5 migration guides, SDK 1.13 types",
  rules,
  errorBody: (message) => ({ type: "error", error: { type: "invalid_request_error", message } }),
};
