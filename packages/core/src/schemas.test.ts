import { describe, expect, it } from "vitest";
import {
  BriefSchema,
  SAMPLING_PRESETS,
  SelectorDecisionSchema,
  defaultSessionConfig,
  selectorDecisionJsonSchema,
  withPreset,
} from "./index.js";

describe("session config", () => {
  it("has the seed defaults", () => {
    const c = defaultSessionConfig();
    expect(c.generator).toMatchObject({ segmentTokens: 6, branchingFactor: 8, temperature: 1, topP: 1, logprobs: 5 });
    expect(c.maxTokensTotal).toBe(1500);
    expect(c.selector.mode).toBe("human");
  });

  it("applies the stable preset", () => {
    const c = withPreset(defaultSessionConfig({ generator: { model: "m" } }), "stable");
    expect(c.generator).toMatchObject({
      model: "m",
      segmentTokens: 8,
      branchingFactor: 4,
      temperature: 0.85,
      topP: 0.92,
    });
    expect(SAMPLING_PRESETS.stable.branchingFactor).toBe(4);
  });

  it("rejects out-of-range sampling values naming the field", () => {
    const r = defaultSessionConfigSafe({ generator: { topP: 0 } });
    expect(r).toMatch(/generator\.topP/);
  });
});

function defaultSessionConfigSafe(input: unknown): string {
  try {
    defaultSessionConfig(input as never);
    return "";
  } catch (e) {
    return String((e as { issues?: { path: PropertyKey[] }[] }).issues?.map((i) => i.path.join(".")).join(","));
  }
}

describe("selector decision format", () => {
  it("accepts the three actions and rejects incomplete ones", () => {
    expect(SelectorDecisionSchema.parse({ action: "choose", choice: "n_1", reason: "vivid" }).action).toBe("choose");
    expect(
      SelectorDecisionSchema.safeParse({
        action: "clarify",
        question: "q",
        candidatesInTension: [],
        whatHingesOnIt: "x",
      }).success,
    ).toBe(false);
    expect(SelectorDecisionSchema.safeParse({ action: "stop" }).success).toBe(false);
    expect(SelectorDecisionSchema.safeParse({ action: "pick", choice: "n_1" }).success).toBe(false);
  });

  it("exports a JSON Schema with all three variants", () => {
    const text = JSON.stringify(selectorDecisionJsonSchema());
    for (const word of ["choose", "clarify", "stop", "candidatesInTension", "whatHingesOnIt"])
      expect(text).toContain(word);
  });

  it("fills brief defaults", () => {
    expect(BriefSchema.parse({ title: "t" })).toMatchObject({ title: "t", leanInto: [], avoid: [], notes: "" });
  });
});
