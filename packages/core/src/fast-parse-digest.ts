// LoomDigestSchema.parse without zod, for the reading commands' fast path; null on any doubt, so callers fall back to zod.
import type { DecisionRow } from "./decision-steps.js";
import { DIGEST_VERSION, type LoomDigest } from "./digest.js";
import { isObject, parseDecisionFast } from "./fast-parse.js";
import type { LoomStats } from "./queries.js";
import type { TreeRow } from "./tree-window.js";

/*
 * Why: `loom show`, `stats`, `decisions` and `tree` read the digest stored with a snapshot and nothing
 * else; loading zod to check it took as long as starting Node. This accepts exactly what LoomDigestSchema
 * accepts when every field is present (as the writer stores it) and builds the same object, unknown keys
 * dropped; anything else is null and the caller runs the schema. Keep it in step with digest-schema.ts
 * (fast-parse-stored.test.ts compares the two on valid and broken digests).
 */

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isNullableNumber = (v: unknown): v is number | null =>
  v === null || (typeof v === "number" && Number.isFinite(v));
const CHOSEN_BY = new Set(["human", "selector_llm", "auto"]);

const STAT_COUNTS = [
  "nodes",
  "decisions",
  "resolvedDecisions",
  "clarifications",
  "depth",
  "generatedTokens",
  "currentPathTokens",
  "textChars",
] as const;

function stats(v: unknown): LoomStats | null {
  if (!isObject(v) || !isNullableNumber(v.meanLogprobGap)) return null;
  for (const k of STAT_COUNTS) if (!isCount(v[k])) return null;
  return {
    nodes: v.nodes as number,
    decisions: v.decisions as number,
    resolvedDecisions: v.resolvedDecisions as number,
    clarifications: v.clarifications as number,
    depth: v.depth as number,
    meanLogprobGap: v.meanLogprobGap,
    generatedTokens: v.generatedTokens as number,
    currentPathTokens: v.currentPathTokens as number,
    textChars: v.textChars as number,
  };
}

function decisionRow(v: unknown): DecisionRow | null {
  if (!isObject(v) || !isCount(v.step)) return null;
  if (v.chosenText !== null && typeof v.chosenText !== "string") return null;
  const decision = parseDecisionFast(v.decision);
  return decision && { decision, step: v.step, chosenText: v.chosenText };
}

function treeRow(v: unknown): TreeRow | null {
  if (!isObject(v) || typeof v.id !== "string" || typeof v.text !== "string") return null;
  if (v.parentId !== null && typeof v.parentId !== "string") return null;
  if (!isCount(v.depth) || !isCount(v.level) || !isCount(v.hiddenDescendants)) return null;
  if (typeof v.last !== "boolean" || typeof v.onCurrentPath !== "boolean" || typeof v.tip !== "boolean") return null;
  if (!isNullableNumber(v.stepLogprob)) return null;
  if (v.chosenBy !== null && !(typeof v.chosenBy === "string" && CHOSEN_BY.has(v.chosenBy))) return null;
  return {
    id: v.id,
    parentId: v.parentId,
    depth: v.depth,
    level: v.level,
    last: v.last,
    onCurrentPath: v.onCurrentPath,
    tip: v.tip,
    hiddenDescendants: v.hiddenDescendants,
    text: v.text,
    stepLogprob: v.stepLogprob,
    chosenBy: v.chosenBy as TreeRow["chosenBy"],
  };
}

/** Each element through `parse`, or null when one is not plainly valid. */
function all<T>(v: unknown, parse: (e: unknown) => T | null): T[] | null {
  if (!Array.isArray(v)) return null;
  const out: T[] = [];
  for (const e of v) {
    const parsed = parse(e);
    if (parsed === null) return null;
    out.push(parsed);
  }
  return out;
}

/** A stored digest (LoomDigestSchema's output) without zod, or null when it is not plainly valid. */
export function parseDigestFast(input: unknown): LoomDigest | null {
  if (!isObject(input) || input.version !== DIGEST_VERSION) return null;
  const s = stats(input.stats);
  const d = input.decisions;
  const t = input.tree;
  if (s === null || !isObject(d) || !isCount(d.limit) || !isObject(t)) return null;
  if (t.mode !== "around" || typeof t.tip !== "string") return null;
  if (!isCount(t.pathLength) || !isCount(t.pathAbove) || !isCount(t.around)) return null;
  const decisionRows = all(d.rows, decisionRow);
  const treeRows = decisionRows && all(t.rows, treeRow);
  if (decisionRows === null || treeRows === null) return null;
  const g = input.gaps;
  if (g !== undefined && !(isObject(g) && isCount(g.count) && typeof g.sum === "number" && Number.isFinite(g.sum)))
    return null;
  return {
    version: DIGEST_VERSION,
    stats: s,
    ...(g === undefined ? {} : { gaps: { count: g.count as number, sum: g.sum as number } }),
    decisions: { limit: d.limit, rows: decisionRows },
    tree: {
      mode: "around",
      pathLength: t.pathLength,
      tip: t.tip,
      pathAbove: t.pathAbove,
      around: t.around,
      rows: treeRows,
    },
  };
}
