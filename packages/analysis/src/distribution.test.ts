// Summaries sort on a typed array: the same numbers, bit for bit, as sorting the list with a comparator.
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { quantile, summarize } from "./distribution.js";

/** summarize as it was written first: a copy sorted with (a, b) => a - b. */
function byComparator(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  return {
    n: s.length,
    mean: s.reduce((sum, v) => sum + v, 0) / s.length,
    min: s[0],
    p10: quantile(s, 0.1),
    p25: quantile(s, 0.25),
    p50: quantile(s, 0.5),
    p75: quantile(s, 0.75),
    p90: quantile(s, 0.9),
    max: s[s.length - 1],
  };
}

describe("summarize", () => {
  it("gives the comparator sort's summary for any list, -0, NaN and infinities included", () => {
    const value = fc.oneof(
      fc.double(),
      fc.constantFrom(0, -0, Number.NaN, -1, -1e-300, Number.NEGATIVE_INFINITY),
      fc.integer({ min: -5, max: 5 }),
    );
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 60 }), (values) => {
        expect(isDeepStrictEqual(summarize(values), byComparator(values))).toBe(true);
      }),
      { numRuns: 2000 },
    );
    expect(summarize([])).toBeNull();
  });

  it("keeps -0 where the comparator left it", () => {
    // Sorted natively, -0 would come first and be the minimum; the comparator keeps 0 and -0 in their order.
    expect(Object.is(summarize([0, -0])!.min, 0)).toBe(true);
    expect(Object.is(summarize([-0, 0])!.min, -0)).toBe(true);
  });
});
