// How different the candidates offered at one step are: distinct texts, and the mean pairwise overlap of their tokens.
import type { TextNumbers } from "@loom/io/internal";

/**
 * A candidate's units for overlap, as numbers in `texts` (equal numbers, equal units): its tokens' texts when the
 * generator gave them, else its whitespace-separated words.
 */
export function overlapUnits(
  text: string,
  tokenNumbers: readonly number[] | null,
  texts: TextNumbers,
): readonly number[] {
  if (tokenNumbers && tokenNumbers.length > 0) return tokenNumbers;
  return texts.numbersOf(text.split(/\s+/).filter((w) => w.length > 0));
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

/** Distinct strings among `texts`: a few compared pairwise (cheaper than a Set for a step's 4–8), many through a Set. */
function distinctCount(texts: readonly string[]): number {
  if (texts.length > 16) return new Set(texts).size;
  let distinct = 0;
  for (let i = 0; i < texts.length; i++) {
    const t = texts[i];
    let j = 0;
    while (j < i && texts[j] !== t) j++;
    if (j === i) distinct++;
  }
  return distinct;
}

/**
 * Measures the steps of one session whose units are numbered in one TextNumbers. Why a counter: with units as
 * numbers a session's steps share one array of marks (the last stamp each unit got, stamps never reused), so a
 * step hashes nothing and allocates almost nothing; hashing every unit of every step into a Map was most of
 * what analysing a session's facts cost.
 */
export class DiversityCounter {
  private readonly marks: number[] = [];
  private stamp = 0;
  /** Each candidate's units without repeats, one after another, and where each candidate's start. */
  private readonly sets: number[] = [];
  private readonly starts: number[] = [];

  constructor(private readonly texts: TextNumbers) {}

  /**
   * Distinct texts among the candidates (`texts[i]`, units `units[i]`), and the mean Jaccard overlap of their
   * unit sets over every pair of them (pairs in order, (0,1), (0,2)… (1,2)…).
   */
  measure(texts: readonly string[], units: readonly (readonly number[])[]): StepDiversity {
    const distinctTexts = distinctCount(texts);
    const n = units.length;
    if (n < 2) return { distinctTexts, meanPairwiseOverlap: null };
    const marks = this.marks;
    // A plain array grown with zeros (packed small integers): a typed array's backing store is allocated outside
    // the heap, and a holey array is slower to read.
    while (marks.length < this.texts.size) marks.push(0);
    const sets = this.sets;
    const starts = this.starts;
    sets.length = 0;
    starts.length = 0;
    for (let i = 0; i < n; i++) {
      starts.push(sets.length);
      // A unit twice in one candidate counts once (a set).
      const stamp = ++this.stamp;
      for (const u of units[i]!) {
        if (marks[u] !== stamp) {
          marks[u] = stamp;
          sets.push(u);
        }
      }
    }
    starts.push(sets.length);
    // Marking candidate i's units with a fresh stamp, then counting j's marked ones.
    let sum = 0;
    let pairs = 0;
    for (let i = 0; i < n; i++) {
      const stamp = ++this.stamp;
      const aFrom = starts[i]!;
      const aTo = starts[i + 1]!;
      for (let k = aFrom; k < aTo; k++) marks[sets[k]!] = stamp;
      for (let j = i + 1; j < n; j++) {
        const bFrom = starts[j]!;
        const bTo = starts[j + 1]!;
        let shared = 0;
        for (let k = bFrom; k < bTo; k++) if (marks[sets[k]!] === stamp) shared++;
        sum += jaccard(aTo - aFrom, bTo - bFrom, shared);
        pairs++;
      }
    }
    return { distinctTexts, meanPairwiseOverlap: sum / pairs };
  }
}
