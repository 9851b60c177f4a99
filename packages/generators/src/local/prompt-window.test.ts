// Tests for the prompt window: whole texts fit, long texts keep a tail that stays put across steps.
import { describe, expect, it } from "vitest";
import { windowStart } from "./prompt-window.js";

describe("windowStart", () => {
  it("keeps a text that fits whole", () => {
    expect(windowStart(100, 400, 0)).toBe(0);
    expect(windowStart(400, 400, 0)).toBe(0);
  });

  it("jumps to keep half the capacity when the text overflows, then stays put while it fits", () => {
    const first = windowStart(401, 400, 0);
    expect(first).toBe(201);
    let start = first;
    for (let total = 407; total <= 601; total += 6) {
      const next = windowStart(total, 400, start);
      expect(total - next).toBeLessThanOrEqual(400);
      if (total - start <= 400) expect(next).toBe(start);
      start = next;
    }
    expect(windowStart(602, 400, 201)).toBe(402);
  });
});
