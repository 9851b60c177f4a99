import { SelectorConfigSchema } from "@loom/core";
import { describe, expect, it } from "vitest";
import { SelectorConfigError, createSelector, selectorProviderOf, type HumanInterface } from "./index.js";

const config = (over: Record<string, unknown>) => SelectorConfigSchema.parse(over);
const human: HumanInterface = {
  chooseCandidate: async () => ({ action: "stop", reason: "done" }),
  answerClarification: async () => ({ answer: "either" }),
};

function problemOf(fn: () => unknown): SelectorConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SelectorConfigError);
    return error as SelectorConfigError;
  }
  throw new Error("expected a SelectorConfigError");
}

describe("createSelector", () => {
  it("builds auto without any key, and human only with somebody to answer", () => {
    expect(createSelector(config({ mode: "auto" }), { env: {} })).toMatchObject({ kind: "auto" });
    expect(problemOf(() => createSelector(config({ mode: "human" }), { env: {} }))).toMatchObject({
      problem: "needs_human",
      field: "mode",
    });
    expect(createSelector(config({ mode: "human" }), { env: {}, human })).toMatchObject({ chosenBy: "human" });
  });

  it("names the environment variable of a missing key, per provider", () => {
    const a = problemOf(() => createSelector(config({ mode: "stateless", model: "claude-sonnet-5-5" }), { env: {} }));
    expect(a).toMatchObject({ problem: "missing_api_key", envVar: "ANTHROPIC_API_KEY" });
    expect(a.message).toContain("ANTHROPIC_API_KEY");
    const o = problemOf(() => createSelector(config({ mode: "agentic", model: "gpt-4.1" }), { env: {} }));
    expect(o).toMatchObject({ problem: "missing_api_key", envVar: "OPENAI_API_KEY" });
  });

  it("needs a model for the LLM modes, and knows only its providers", () => {
    expect(
      problemOf(() => createSelector(config({ mode: "stateless" }), { env: { ANTHROPIC_API_KEY: "k" } })),
    ).toMatchObject({ problem: "missing_model", field: "model" });
    const p = problemOf(() =>
      createSelector(config({ mode: "stateless", provider: "mistral", model: "m" }), { env: {} }),
    );
    expect(p).toMatchObject({ problem: "unknown_provider", field: "provider" });
    expect(p.message).toContain("anthropic, openai");
  });

  it("builds stateless, agentic and hybrid selectors with a key", () => {
    const env = { ANTHROPIC_API_KEY: "k", OPENAI_API_KEY: "k" };
    expect(createSelector(config({ mode: "stateless", model: "anthropic:claude-x" }), { env })).toMatchObject({
      chosenBy: "selector_llm",
    });
    expect(createSelector(config({ mode: "agentic", model: "gpt-4.1" }), { env })).toMatchObject({ kind: "agentic" });
    expect(problemOf(() => createSelector(config({ mode: "hybrid", model: "gpt-4.1" }), { env }))).toMatchObject({
      problem: "needs_human",
    });
    expect(createSelector(config({ mode: "hybrid", model: "gpt-4.1" }), { env, human })).toBeTruthy();
  });

  it("sends a provider's key only to the provider: a custom base URL needs LOOM_CUSTOM_API_KEY", () => {
    const env = { ANTHROPIC_API_KEY: "sk-ant-real" };
    const p = problemOf(() =>
      createSelector(config({ mode: "stateless", model: "claude-sonnet-5-5", baseUrl: "http://127.0.0.1:9" }), { env }),
    );
    expect(p).toMatchObject({ problem: "missing_api_key", envVar: "LOOM_CUSTOM_API_KEY" });
    expect(p.message).toContain("http://127.0.0.1:9");
    expect(createSelector(config({ mode: "stateless", model: "claude-sonnet-5-5" }), { env })).toMatchObject({
      chosenBy: "selector_llm",
    });
    expect(
      createSelector(config({ mode: "stateless", model: "claude-sonnet-5-5", baseUrl: "http://127.0.0.1:9" }), {
        env: { LOOM_CUSTOM_API_KEY: "k" },
      }),
    ).toBeTruthy();
  });

  it("reads provider:model and guesses the provider of a bare name", () => {
    expect(selectorProviderOf("openai:o3")).toEqual({ provider: "openai", model: "o3" });
    expect(selectorProviderOf("claude-sonnet-5-5")).toEqual({ provider: "anthropic", model: "claude-sonnet-5-5" });
    expect(selectorProviderOf("gpt-4.1")).toEqual({ provider: "openai", model: "gpt-4.1" });
  });
});
