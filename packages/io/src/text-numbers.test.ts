// TextNumbers gives equal texts equal numbers and different texts different ones, whether read whole or from ranges of a longer string.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TextNumbers } from "./text-numbers.js";

describe("TextNumbers", () => {
  it("numbers texts in the order first seen, equal texts alike, from whole strings and from ranges", () => {
    // A small alphabet so texts repeat; long runs grow the table past its first 1,024 slots.
    const text = fc.oneof(fc.constantFrom("", " the", " web", "é", "蜘蛛", "\ud800"), fc.string({ maxLength: 3 }));
    fc.assert(
      fc.property(fc.array(text, { maxLength: 3000 }), (texts) => {
        const numbers = new TextNumbers();
        const first = new Map<string, number>();
        const joined = texts.join("");
        let at = 0;
        for (const [i, t] of texts.entries()) {
          // Every other text read as a range of the joined string, the rest whole.
          const n = i % 2 ? numbers.numberOfRange(joined, at, at + t.length) : numbers.numberOf(t);
          at += t.length;
          if (!first.has(t)) first.set(t, first.size);
          expect(n).toBe(first.get(t));
          expect(numbers.texts[n]).toBe(t);
        }
        expect(numbers.size).toBe(first.size);
      }),
      { numRuns: 60 },
    );
  });

  it("keeps 100,000 distinct texts apart", () => {
    const numbers = new TextNumbers();
    const texts = Array.from({ length: 100_000 }, (_, i) => `t${i}`);
    expect(numbers.numbersOf(texts)).toEqual(texts.map((_, i) => i));
    expect(numbers.numbersOf(["t99999", "t0", "t5"])).toEqual([99_999, 0, 5]);
  });
});
