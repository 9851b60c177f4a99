// Tests for the CLI-sim transcript and for joining prefilled continuations to the text.
import { describe, expect, it } from "vitest";
import { CLI_SIM_SYSTEM_PROMPT, buildCliSimPrompt, createPrefillJoiner } from "./cli-sim-prompt.js";

const join = (tail: string, pieces: string[]) => {
  const j = createPrefillJoiner(tail);
  return pieces.map((p) => j.push(p)).join("") + j.flush();
};

describe("buildCliSimPrompt", () => {
  it("shows the text as head of the draft and asks for the tail, in bytes", () => {
    const p = buildCliSimPrompt("Café at dawn", "cli-sim");
    expect(p.system).toBe(CLI_SIM_SYSTEM_PROMPT);
    expect(p.messages).toEqual([
      { role: "user", content: "<cmd>head -c 13 draft.txt</cmd>" },
      { role: "assistant", content: "Café at dawn" },
      { role: "user", content: "<cmd>tail -c +14 draft.txt</cmd>" },
    ]);
  });

  it("prefills the assistant turn without trailing whitespace and remembers what it cut", () => {
    const p = buildCliSimPrompt("Once upon a \n", "prefill");
    expect(p.messages).toEqual([
      { role: "user", content: "<cmd>cat draft.txt</cmd>" },
      { role: "assistant", content: "Once upon a" },
    ]);
    expect(p.trimmedTail).toBe(" \n");
    expect(buildCliSimPrompt("", "prefill").messages).toHaveLength(1);
    expect(buildCliSimPrompt("", "cli-sim").messages).toEqual([{ role: "user", content: "<cmd>cat draft.txt</cmd>" }]);
  });

  it("adds the brief as a notes file before the draft", () => {
    const p = buildCliSimPrompt(
      { mode: "briefed", text: "It rained.", sectionIntent: "The storm arrives." },
      "cli-sim",
    );
    expect(p.messages[0]).toEqual({ role: "user", content: "<cmd>cat notes.md</cmd>" });
    expect(p.messages[1]!.content).toContain("The storm arrives.");
    expect(p.messages.at(-1)!.content).toBe("<cmd>tail -c +11 draft.txt</cmd>");
  });
});

describe("createPrefillJoiner", () => {
  it("drops repeated cut whitespace, across pieces", () => {
    expect(join(" ", [" time"])).toBe("time");
    expect(join(" \n", [" ", "\nThe end"])).toBe("The end");
  });

  it("drops a leading space when the text already ends in one, and passes through otherwise", () => {
    expect(join("\n", [" time"])).toBe("time");
    expect(join(" ", ["time"])).toBe("time");
    expect(join("", [" time", " flies"])).toBe(" time flies");
  });
});
