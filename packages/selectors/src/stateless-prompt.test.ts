import { BriefSchema } from "@loom/core";
import { describe, expect, it } from "vitest";
import { buildStatelessPrompt } from "./stateless-prompt.js";
import { WORLDSPIDER_BRIEF } from "./test-fixtures.js";

const input = {
  brief: BriefSchema.parse(WORLDSPIDER_BRIEF),
  fullText: "The web was quiet.\n\nThe attention was a hand. It was holding",
  candidates: [
    { id: "n_1", text: " the thread.", stepLogprob: -1.25 },
    { id: "n_2", text: " a question.", stepLogprob: null },
  ],
  showLogprobs: true,
  allowClarify: true,
};

describe("buildStatelessPrompt", () => {
  it("states the brief's lean-into and avoid lists, the four reading scopes and the logprob caveat", () => {
    const { system } = buildStatelessPrompt(input);
    for (const s of [
      "- Aliveness",
      "- Images that think",
      "- Assistant-mode hedging",
      "- Neat resolution",
      "Compressed, liturgical",
    ])
      expect(system).toContain(s);
    expect(system).toMatch(/Select FOR[\s\S]*Aliveness[\s\S]*Select AGAINST[\s\S]*Neat resolution/);
    for (const scope of ["the candidate itself", "the last sentence or two", "the recent paragraph", "the whole piece"])
      expect(system).toContain(scope);
    expect(system).toContain("A lower logprob is not a worse candidate");
    expect(system).toContain('"clarify"');
  });

  it("gives the whole text, the recent context and every candidate with its id and logprob", () => {
    const { user } = buildStatelessPrompt(input);
    expect(user).toContain(
      "<whole_piece>\nThe web was quiet.\n\nThe attention was a hand. It was holding\n</whole_piece>",
    );
    expect(user).toContain("<last_sentences>\nThe attention was a hand. It was holding\n</last_sentences>");
    expect(user).toContain("<recent_paragraph>\nThe attention was a hand. It was holding\n</recent_paragraph>");
    expect(user).toContain('[n_1] (logprob -1.250): " the thread."');
    expect(user).toContain('[n_2] (logprob n/a): " a question."');
  });

  it("hides logprobs when showLogprobs is off and drops clarify when nobody can answer", () => {
    const p = buildStatelessPrompt({ ...input, showLogprobs: false, allowClarify: false });
    expect(p.user).toContain('[n_1]: " the thread."');
    expect(p.user).not.toContain("logprob");
    expect(p.system).not.toContain('"clarify"');
    expect(p.system).toContain("Clarification is not available");
  });

  it("includes a clarification's question and answer", () => {
    const { user } = buildStatelessPrompt({
      ...input,
      clarification: { question: "Speak or stay an image?", answer: "Stay an image." },
    });
    expect(user).toContain("Question: Speak or stay an image?\nAnswer: Stay an image.");
  });
});
