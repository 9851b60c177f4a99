// How different the candidates offered at one step are: distinct texts, and the mean pairwise overlap of their tokens.

/** A candidate's units for overlap: its tokens' texts when the generator gave them, else its whitespace-separated words. */
export function overlapUnits(text: string, tokenTexts: readonly string[] | null): readonly string[] {
  if (tokenTexts && tokenTexts.length > 0) return tokenTexts;
  return text.split(/\s+/).filter((w) => w.length > 0);
}

/** Jaccard overlap of two sets of units: shared over all; two empty candidates are identical (1). */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const unit of a) if (b.has(unit)) shared++;
  return shared / (a.size + b.size - shared);
}

export interface StepDiversity {
  distinctTexts: number;
  /** null with fewer than two candidates. */
  meanPairwiseOverlap: number | null;
}

/** Distinct texts among the candidates, and the mean Jaccard overlap over every pair of them. */
export function stepDiversity(candidates: readonly { text: string; units: readonly string[] }[]): StepDiversity {
  const distinctTexts = new Set(candidates.map((c) => c.text)).size;
  if (candidates.length < 2) return { distinctTexts, meanPairwiseOverlap: null };
  const sets = candidates.map((c) => new Set(c.units));
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < sets.length; i++)
    for (let j = i + 1; j < sets.length; j++) {
      sum += jaccard(sets[i]!, sets[j]!);
      pairs++;
    }
  return { distinctTexts, meanPairwiseOverlap: sum / pairs };
}
