// What each Claude model accepts (prefill, thinking, forced tools), as documented in November 2026, so requests are valid before they are sent.

/** How to ask a model for no up-front thinking: the value to send, "omit" when leaving the field out does it, null when it cannot be done. */
export type ThinkingOff = { type: "disabled" } | { type: "between_tools" } | "omit" | null;

export interface AnthropicModelFacts {
  /** Whether the model is in this table (false: unknown, the newest rules are assumed). */
  known: boolean;
  /** Accepts a final assistant turn (prefill). Refused from Claude 4.6 on. */
  prefill: boolean;
  /** Thinks when the request has no `thinking` field (thinking tokens count against `max_tokens`). */
  thinksByDefault: boolean;
  thinkingOff: ThinkingOff;
  /** Accepts `tool_choice` of type `tool` or `any` (never together with thinking). */
  forcedToolChoice: boolean;
  /** End-of-life date when Anthropic has announced one (kept in step with the SDK's deprecated-models list by a test). */
  retires: string | null;
}

type Row = Omit<AnthropicModelFacts, "known">;
const DISABLED = { type: "disabled" } as const;

const OLD: Row = {
  prefill: true,
  thinksByDefault: false,
  thinkingOff: DISABLED,
  forcedToolChoice: true,
  retires: null,
};
const FOUR_SIX: Row = {
  prefill: false,
  thinksByDefault: false,
  thinkingOff: DISABLED,
  forcedToolChoice: true,
  retires: null,
};
const ALWAYS_THINKS: Row = {
  prefill: false,
  thinksByDefault: true,
  thinkingOff: null,
  forcedToolChoice: false,
  retires: null,
};
const FIVE: Row = {
  prefill: false,
  thinksByDefault: true,
  thinkingOff: DISABLED,
  forcedToolChoice: false,
  retires: null,
};

/**
 * Sources: Anthropic's model pages and migration guides (Claude 4.6 prefill removal; Sonnet 5
 * and later think by default; Sonnet 5.5 turns up-front thinking off with `between_tools` and
 * refuses `disabled` and forced tool use; Opus 5.5 and Fable 5.1 always think; Opus 4.7, Fable 5,
 * Mythos 5 and Mythos Preview accept only adaptive thinking).
 */
const TABLE: [string, Row][] = [
  ["claude-haiku-4-5", OLD],
  ["claude-sonnet-4-5", { ...OLD, retires: "2026-11-30" }],
  ["claude-opus-4-5", { ...OLD, retires: "2027-01-22" }],
  ["claude-sonnet-4-6", FOUR_SIX],
  ["claude-opus-4-6", FOUR_SIX],
  ["claude-opus-4-7", { ...FOUR_SIX, thinkingOff: "omit" }],
  ["claude-opus-4-8", FOUR_SIX],
  ["claude-mythos-preview", { ...ALWAYS_THINKS, retires: "2026-06-30" }],
  ["claude-sonnet-5-5", { ...FIVE, thinkingOff: { type: "between_tools" } }],
  ["claude-sonnet-5", FIVE],
  ["claude-opus-5-5", ALWAYS_THINKS],
  ["claude-opus-5", FIVE],
  ["claude-haiku-5-5", FIVE],
  ["claude-fable-5-2", ALWAYS_THINKS],
  ["claude-fable-5-1", ALWAYS_THINKS],
  ["claude-fable-5", ALWAYS_THINKS],
  ["claude-mythos-5-2", ALWAYS_THINKS],
  ["claude-mythos-5-1", ALWAYS_THINKS],
  ["claude-mythos-5", ALWAYS_THINKS],
];

/** An id or a dated id (`claude-haiku-4-5-20251001`) matches its row; the longest matching name wins. */
export function anthropicModelFacts(model: string): AnthropicModelFacts {
  const id = model.toLowerCase();
  let best: [string, Row] | undefined;
  for (const row of TABLE) {
    if ((id === row[0] || id.startsWith(`${row[0]}-`)) && (!best || row[0].length > best[0].length)) best = row;
  }
  // A dated id ("claude-sonnet-5-20260101") must not match a longer family ("claude-sonnet-5-5").
  if (best && id !== best[0] && !/^\d{8}$/.test(id.slice(best[0].length + 1))) best = undefined;
  return best ? { known: true, ...best[1] } : { known: false, ...ALWAYS_THINKS, thinkingOff: "omit" };
}

/** Every model in the table with its facts (the doctor and the tests read it). */
export const anthropicModelTable = (): (AnthropicModelFacts & { model: string })[] =>
  TABLE.map(([model, row]) => ({ model, known: true, ...row }));

/** Current (not retiring) models that accept prefill, for error messages. */
export const anthropicPrefillModels = (): string[] =>
  TABLE.filter(([, r]) => r.prefill && !r.retires).map(([name]) => name);

/** Current (not retiring) models that can write without up-front thinking, for error messages. */
export const anthropicNoThinkingModels = (): string[] =>
  TABLE.filter(([, r]) => r.thinkingOff !== null && !r.retires).map(([name]) => name);
