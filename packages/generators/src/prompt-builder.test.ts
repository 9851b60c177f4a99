// Tests for prompt building: raw prompts are the text itself; briefed ones end with the unchanged text.
import { describe, expect, it } from "vitest";
import { buildPrompt, promptOf, samplingOf } from "./prompt-builder.js";

describe("buildPrompt", () => {
  it("returns the raw text unchanged, whitespace included", () => {
    expect(buildPrompt({ mode: "raw", text: "  Once upon a time \n" })).toBe("  Once upon a time \n");
  });

  it("orders few-shot, intent and draft above the continue marker and ends with the text", () => {
    const p = buildPrompt({
      mode: "briefed",
      text: "The fox ran",
      fewshotExamples: "Rain on slate.",
      sectionIntent: "The chase begins.",
      roughDraft: "fox runs, hound follows",
    });
    const order = [
      "Rain on slate.",
      "The chase begins.",
      "fox runs, hound follows",
      "continue from where it stops",
      "The fox ran",
    ];
    const at = order.map((s) => p.indexOf(s));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(p.endsWith("\n\nThe fox ran")).toBe(true);
  });

  it("leaves out empty sections and accepts custom labels", () => {
    const p = buildPrompt(
      { mode: "briefed", text: "x", sectionIntent: "  ", fewshotExamples: "" },
      { fewshot: "F", intent: "I", draft: "D", continueMarker: "CONTINUE" },
    );
    expect(p).toBe("CONTINUE\n\nx");
  });

  it("passes string prompts through and records sampling parameters", () => {
    const req = { prompt: "abc", n: 2, maxTokens: 6, temperature: 0.8, topP: 0.9 };
    expect(promptOf(req)).toBe("abc");
    expect(samplingOf(req)).toEqual({
      n: 2,
      maxTokens: 6,
      temperature: 0.8,
      topP: 0.9,
      logprobs: 0,
      stop: [],
      seed: null,
    });
  });
});
