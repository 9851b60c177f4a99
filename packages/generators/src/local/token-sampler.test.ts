// Tests for the JS sampler (the vocab-cost bench's baseline): greedy at temperature 0, nucleus truncation, and frequencies that follow the distribution.
import { describe, expect, it } from "vitest";
import { seededRandom } from "@loom/core/internal";
import { probabilityOf, sampleToken, type Distribution } from "./token-sampler.js";

const dist: Distribution = [
  [7, 0.6],
  [3, 0.3],
  [9, 0.1],
];

describe("sampleToken", () => {
  it("is greedy at temperature 0", () => {
    expect(sampleToken(dist, 0, 1, () => 0.99)).toBe(7);
  });

  it("never picks tokens outside the nucleus", () => {
    const random = seededRandom(1);
    for (let i = 0; i < 500; i++) expect([7, 3]).toContain(sampleToken(dist, 1, 0.85, random));
  });

  it("samples in proportion to the probabilities at temperature 1", () => {
    const random = seededRandom(2);
    const counts = new Map<number, number>();
    for (let i = 0; i < 5000; i++) {
      const t = sampleToken(dist, 1, 1, random);
      counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    expect(counts.get(7)! / 5000).toBeCloseTo(0.6, 1);
    expect(counts.get(9)! / 5000).toBeCloseTo(0.1, 1);
  });

  it("sharpens with low temperature", () => {
    const random = seededRandom(3);
    let top = 0;
    for (let i = 0; i < 1000; i++) if (sampleToken(dist, 0.2, 1, random) === 7) top++;
    expect(top).toBeGreaterThan(950);
    expect(probabilityOf(dist, 3)).toBe(0.3);
    expect(probabilityOf(dist, 4)).toBe(0);
  });
});
