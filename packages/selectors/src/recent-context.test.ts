import { describe, expect, it } from "vitest";
import { lastSentences, recentParagraph } from "./recent-context.js";

describe("reading scopes", () => {
  it("takes the last one or two sentences, counting an unfinished one", () => {
    const text = "First one. Second one! Third? And the unfinished";
    expect(lastSentences(text, 2)).toBe("Third? And the unfinished");
    expect(lastSentences(text, 1)).toBe("And the unfinished");
    expect(lastSentences("She said “go.” He went.", 1)).toBe("He went.");
    expect(lastSentences("", 2)).toBe("");
  });

  it("takes the last paragraph", () => {
    expect(recentParagraph("Para one.\n\nPara two, line one.\nLine two.")).toBe("Para two, line one.\nLine two.");
    expect(recentParagraph("Only one paragraph.")).toBe("Only one paragraph.");
  });
});
