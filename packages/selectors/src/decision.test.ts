import { describe, expect, it } from "vitest";
import { checkDecision, decisionEnvelopeJsonSchema, parseJsonText } from "./decision.js";

const rules = { candidateIds: ["a", "b"], allowClarify: true };

describe("checkDecision", () => {
  it("accepts a choose decision in the envelope or bare", () => {
    const d = { action: "choose", choice: "b", ranking: ["b", "a"], reason: "more alive" };
    expect(checkDecision({ decision: d }, rules)).toEqual({ ok: true, decision: d });
    expect(checkDecision(d, rules)).toEqual({ ok: true, decision: d });
  });

  it("rejects unknown candidate ids in choice, ranking, scores and tension, naming the field", () => {
    const bad = [
      [{ action: "choose", choice: "z", reason: "r" }, "decision.choice"],
      [{ action: "choose", choice: "a", ranking: ["a", "q"], reason: "r" }, "decision.ranking"],
      [{ action: "choose", choice: "a", scores: { q: { fit: 1 } }, reason: "r" }, "decision.scores"],
      [
        { action: "clarify", question: "?", candidatesInTension: ["a", "x"], whatHingesOnIt: "w" },
        "decision.candidatesInTension",
      ],
    ] as const;
    for (const [value, field] of bad) {
      const check = checkDecision(value, rules);
      expect(check.ok).toBe(false);
      if (!check.ok) expect(check.error).toContain(field);
    }
  });

  it("rejects schema violations and a clarify nobody can answer", () => {
    const missing = checkDecision({ action: "choose", choice: "a" }, rules);
    expect(missing.ok || missing.error).toContain("decision.reason");
    const clarify = checkDecision(
      { action: "clarify", question: "?", candidatesInTension: ["a"], whatHingesOnIt: "w" },
      { candidateIds: ["a"], allowClarify: false },
    );
    expect(clarify.ok || clarify.error).toContain("clarify is not available");
  });

  it("publishes an object-rooted JSON Schema (providers reject a bare oneOf at the root)", () => {
    const schema = decisionEnvelopeJsonSchema();
    expect(schema["type"]).toBe("object");
    expect(schema["required"]).toEqual(["decision"]);
    expect(JSON.stringify(schema)).toContain('"const":"clarify"');
  });
});

describe("parseJsonText", () => {
  it("reads plain or fenced JSON and reports anything else", () => {
    expect(parseJsonText('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJsonText('```json\n{"a":1}\n```')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJsonText("I choose a").ok).toBe(false);
  });
});
