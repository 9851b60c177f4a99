// Parsing and validating a selector's decision against the candidates it was shown (unknown ids are invalid).
import { SelectorDecisionSchema, selectorDecisionJsonSchema, type SelectorDecision } from "@loom/core";

export type DecisionCheck = { ok: true; decision: SelectorDecision } | { ok: false; error: string };

export interface DecisionRules {
  candidateIds: readonly string[];
  /** When false, a clarify decision is rejected (nobody could answer it). */
  allowClarify?: boolean;
}

/**
 * JSON Schema for a model's structured output: `{ decision: <choose | clarify | stop> }`.
 * Providers want an object at the root of a tool's input or a response format, and reject a
 * bare `oneOf` there, hence the envelope.
 */
export function decisionEnvelopeJsonSchema(): Record<string, unknown> {
  const { $schema: _ignored, ...union } = selectorDecisionJsonSchema();
  return {
    type: "object",
    properties: { decision: union },
    required: ["decision"],
    additionalProperties: false,
  };
}

/** Parse model text as JSON: the whole text, or one fenced ```json block. No other guessing. */
export function parseJsonText(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const trimmed = text.trim();
  const fenced = /^```(?:json)?\s*\n([\s\S]*?)\n```$/.exec(trimmed);
  const body = fenced ? fenced[1]! : trimmed;
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (error) {
    return { ok: false, error: `the output is not valid JSON (${(error as Error).message})` };
  }
}

function unknownIds(ids: readonly string[], known: ReadonlySet<string>): string[] {
  return ids.filter((id) => !known.has(id));
}

/** Check a value (the envelope or a bare decision) against the schema and the candidate ids. */
export function checkDecision(value: unknown, rules: DecisionRules): DecisionCheck {
  const inner =
    typeof value === "object" && value !== null && !Array.isArray(value) && "decision" in value && !("action" in value)
      ? (value as { decision: unknown }).decision
      : value;
  const parsed = SelectorDecisionSchema.safeParse(inner);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (i) => `${i.path.length ? `decision.${i.path.join(".")}` : "decision"}: ${i.message}`,
    );
    return { ok: false, error: issues.join("; ") };
  }
  const decision = parsed.data;
  const known = new Set(rules.candidateIds);
  const list = [...known].join(", ");
  if (decision.action === "choose") {
    if (!known.has(decision.choice))
      return { ok: false, error: `decision.choice: "${decision.choice}" is not a candidate id (candidates: ${list})` };
    const badRanking = unknownIds(decision.ranking ?? [], known);
    if (badRanking.length)
      return {
        ok: false,
        error: `decision.ranking: unknown candidate ids ${badRanking.join(", ")} (candidates: ${list})`,
      };
    if (decision.ranking && new Set(decision.ranking).size !== decision.ranking.length) {
      return { ok: false, error: "decision.ranking: a candidate id appears twice" };
    }
    const badScores = unknownIds(Object.keys(decision.scores ?? {}), known);
    if (badScores.length)
      return {
        ok: false,
        error: `decision.scores: unknown candidate ids ${badScores.join(", ")} (candidates: ${list})`,
      };
  }
  if (decision.action === "clarify") {
    if (rules.allowClarify === false) {
      return {
        ok: false,
        error: "decision.action: clarify is not available here (nobody can answer it); choose a candidate or stop",
      };
    }
    const bad = unknownIds(decision.candidatesInTension, known);
    if (bad.length)
      return {
        ok: false,
        error: `decision.candidatesInTension: unknown candidate ids ${bad.join(", ")} (candidates: ${list})`,
      };
  }
  return { ok: true, decision };
}
