// Checks analysis options before any session is read, so a bad flag is named at once rather than after a long read.
import { AnalysisError } from "./analysis-error.js";
import { GROUP_KEYS, isGroupKey, type GroupKey } from "./group-keys.js";

export interface AnalyzeOptions {
  /** Keys to group by, in order (none: only the overall and per-session numbers). */
  groupBy?: readonly GroupKey[];
  /** A choice whose logprob gap is below this is a divergence (default −1, core's). */
  threshold?: number;
  /** Buckets of the piece for the position key and the along-the-piece numbers (default 5). */
  positionBuckets?: number;
}

/** Parses a comma-separated `--group-by` value ("selector,position") into keys; AnalysisError names an unknown one. */
export function parseGroupBy(text: string): GroupKey[] {
  const keys = text
    .split(",")
    .map((k) => k.trim())
    .filter(Boolean);
  for (const k of keys)
    if (!isGroupKey(k))
      throw new AnalysisError("bad_option", `unknown group key "${k}"`, {
        hint: `use any of: ${GROUP_KEYS.join(", ")}`,
      });
  return [...new Set(keys)] as GroupKey[];
}

export function aggregateOptionsChecked(options: AnalyzeOptions): void {
  for (const k of options.groupBy ?? [])
    if (!isGroupKey(k))
      throw new AnalysisError("bad_option", `unknown group key "${k}"`, {
        hint: `use any of: ${GROUP_KEYS.join(", ")}`,
      });
  const b = options.positionBuckets;
  if (b !== undefined && (!Number.isInteger(b) || b < 1 || b > 100))
    throw new AnalysisError("bad_option", `position buckets must be an integer from 1 to 100 (got ${b})`);
  if (options.threshold !== undefined && !Number.isFinite(options.threshold))
    throw new AnalysisError("bad_option", `the divergence threshold must be a number (got ${options.threshold})`);
}
