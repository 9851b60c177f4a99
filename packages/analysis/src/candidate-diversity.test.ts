// DiversityCounter (units numbered session-wide, overlaps counted against marks) equals Jaccard over string sets computed plainly.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TextNumbers } from "@loom/io/internal";
import { DiversityCounter, overlapUnits } from "./candidate-diversity.js";

/** One session's counter over string candidates, numbered as the reader numbers token texts. */
function counter() {
  const texts = new TextNumbers();
  const c = new DiversityCounter(texts);
  return (candidates: readonly { text: string; units: readonly string[] }[]) =>
    c.measure(
      candidates.map((x) => x.text),
      candidates.map((x) => texts.numbersOf(x.units)),
    );
}

/** The definition, with sets of strings: the mean over ordered pairs of |A ∩ B| / |A ∪ B|, two empty sets counting 1. */
function plainMeanOverlap(units: readonly (readonly string[])[]): number | null {
  if (units.length < 2) return null;
  const sets = units.map((u) => new Set(u));
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < sets.length; i++)
    for (let j = i + 1; j < sets.length; j++) {
      const a = sets[i]!;
      const b = sets[j]!;
      const union = new Set([...a, ...b]).size;
      const shared = [...a].filter((x) => b.has(x)).length;
      sum += union === 0 ? 1 : shared / union;
      pairs++;
    }
  return sum / pairs;
}

describe("DiversityCounter", () => {
  it("gives the plain Jaccard mean, bit for bit, for any candidates (repeated, shared and empty units), step after step", () => {
    // One counter for every run: its marks and numbers carry over from step to step, as within a session.
    const stepDiversity = counter();
    // A small alphabet so units repeat within and across candidates; up to 70 distinct units grows the marks.
    const unit = fc.oneof(fc.constantFrom(" the", " a", " web", "", "é", " the"), fc.string({ maxLength: 2 }));
    const candidate = fc.record({ text: fc.constantFrom("x", "y", "z"), units: fc.array(unit, { maxLength: 12 }) });
    fc.assert(
      fc.property(fc.array(candidate, { maxLength: 20 }), (candidates) => {
        const got = stepDiversity(candidates);
        expect(got.meanPairwiseOverlap).toBe(plainMeanOverlap(candidates.map((c) => c.units)));
        expect(got.distinctTexts).toBe(new Set(candidates.map((c) => c.text)).size);
      }),
      { numRuns: 500 },
    );
  });

  it("counts 8 candidates of 6 tokens as the issue's sessions offer them", () => {
    const stepDiversity = counter();
    const candidates = [
      { text: "a", units: [" the", " web", " of", " light", " the", " web"] },
      { text: "b", units: [" the", " web", " of", " silence", " and", " heat"] },
      { text: "a", units: [" the", " web", " of", " light", " the", " web"] },
    ];
    // Sets {the, web, of, light}, {the, web, of, silence, and, heat}: 3 shared of 7; identical pair 1; 3 of 7 again.
    expect(stepDiversity(candidates)).toEqual({ distinctTexts: 2, meanPairwiseOverlap: (3 / 7 + 1 + 3 / 7) / 3 });
  });
});

describe("overlapUnits", () => {
  it("takes the token numbers when there are tokens, else numbers the whitespace-separated words", () => {
    const texts = new TextNumbers();
    expect(overlapUnits(" a b", [7, 8], texts)).toEqual([7, 8]);
    const words = overlapUnits("  the web\nthe  ", [], texts);
    expect(words.map((n) => texts.texts[n])).toEqual(["the", "web", "the"]);
    expect(overlapUnits("web", null, texts)).toEqual([words[1]]);
  });
});
