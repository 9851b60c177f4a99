// How different the candidates offered at one step are: distinct texts, and the mean pairwise overlap of their tokens.

/** A candidate's units for overlap: its tokens' texts when the generator gave them, else its whitespace-separated words. */
export function overlapUnits(text: string, tokenTexts: readonly string[] | null): readonly string[] {
  if (tokenTexts && tokenTexts.length > 0) return tokenTexts;
  return text.split(/\s+/).filter((w) => w.length > 0);
}

/** Jaccard overlap of two sets of `a` and `b` units sharing `shared`: shared over all; two empty candidates are identical (1). */
function jaccard(a: number, b: number, shared: number): number {
  if (a === 0 && b === 0) return 1;
  return shared / (a + b - shared);
}

export interface StepDiversity {
  distinctTexts: number;
  /** null with fewer than two candidates. */
  meanPairwiseOverlap: number | null;
}

/**
 * Distinct texts among the candidates, and the mean Jaccard overlap over every pair of them (pairs in order,
 * (0,1), (0,2)… (1,2)…). Each distinct unit is numbered once per step and each candidate's set is its list of
 * numbers, so a pair's overlap is counted against one array of marks: hashing every unit of every pair into
 * sets was most of what analysing a session's facts cost.
 */
export function stepDiversity(candidates: readonly { text: string; units: readonly string[] }[]): StepDiversity {
  const distinctTexts = new Set(candidates.map((c) => c.text)).size;
  if (candidates.length < 2) return { distinctTexts, meanPairwiseOverlap: null };
  const numbers = new Map<string, number>();
  // The last stamp each unit got. A plain array: a typed array's backing store is allocated outside the heap,
  // which cost more than the counting itself at 200 steps a session.
  const stamps: number[] = [];
  const sets: number[][] = [];
  for (let i = 0; i < candidates.length; i++) {
    const set: number[] = [];
    for (const unit of candidates[i]!.units) {
      let n = numbers.get(unit);
      if (n === undefined) {
        n = numbers.size;
        numbers.set(unit, n);
        stamps.push(0);
      }
      // A unit twice in one candidate counts once (a set).
      if (stamps[n] !== i + 1) {
        stamps[n] = i + 1;
        set.push(n);
      }
    }
    sets.push(set);
  }
  // Marking candidate i's units with a stamp no first pass used (count + i + 1), then counting j's marked ones.
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < sets.length; i++) {
    const a = sets[i]!;
    const stamp = sets.length + i + 1;
    for (const n of a) stamps[n] = stamp;
    for (let j = i + 1; j < sets.length; j++) {
      const b = sets[j]!;
      let shared = 0;
      for (const n of b) if (stamps[n] === stamp) shared++;
      sum += jaccard(a.length, b.length, shared);
      pairs++;
    }
  }
  return { distinctTexts, meanPairwiseOverlap: sum / pairs };
}
