// Hand-written equivalents of the Node and DecisionEvent schemas for hot paths (zod-free); they return null on any doubt so callers fall back to zod.
import type { DecisionEvent } from "./decision-event.js";
import type { LoomOp } from "./loom-op-schema.js";
import type { LoomNode } from "./node.js";
import type { Token } from "./token.js";
import { TokenList } from "./token-list.js";

/*
 * Why: zod costs a few microseconds per node, which made loading a 100k-node snapshot and adding
 * candidates on every step dominated by validation. These functions accept exactly what the zod
 * schemas accept (same checks, same defaults, unknown keys dropped) and build the same object; when
 * an input is anything other than plainly valid they return null, and the caller runs the zod schema,
 * which either produces the canonical result or the precise error message. Keep them in step with
 * node.ts and decision-event.ts (fast-parse.test.ts compares them with zod on valid and broken inputs).
 */

export type Rec = Record<string, unknown>;

export const isObject = (v: unknown): v is Rec => typeof v === "object" && v !== null && !Array.isArray(v);

/** What z.record accepts: a plain object (Object or null prototype). */
export function isPlainRecord(v: unknown): v is Rec {
  if (!isObject(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** z.number(): finite numbers only. */
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

const isNonEmptyString = (v: unknown): v is string => typeof v === "string" && v.length > 0;

const CHOSEN_BY = new Set(["human", "selector_llm", "auto"]);
const ORIGINS = new Set(["seed", "generated", "human", "edit"]);
const ACTIONS = new Set(["choose", "clarify", "stop"]);

/** Marks a field zod would reject; `undefined` inputs mean "use the schema default". */
const BAD = Symbol("bad");

function nullableString(v: unknown): string | null | typeof BAD {
  if (v === undefined || v === null) return null;
  return typeof v === "string" ? v : BAD;
}

function nullableNumber(v: unknown): number | null | typeof BAD {
  if (v === undefined || v === null) return null;
  return isNum(v) ? v : BAD;
}

function nullableEnum(v: unknown, allowed: Set<string>): string | null | typeof BAD {
  if (v === undefined || v === null) return null;
  return typeof v === "string" && allowed.has(v) ? v : BAD;
}

/**
 * Stands in for every absent `scores`, `meta` and `candidateScores`: two fresh objects per node were a
 * large share of what loading a big snapshot allocated. Safe to share because nothing changes these
 * records in place (ops replace them whole); frozen so that anything that tried would fail loudly
 * rather than change every node at once.
 */
export const EMPTY: Record<string, never> = Object.freeze({});

/** A record of finite numbers (ScoresSchema), reused as is; the shared empty record when absent. */
function scores(v: unknown): Record<string, number> | typeof BAD {
  if (v === undefined) return EMPTY;
  if (!isPlainRecord(v)) return BAD;
  for (const k in v) if (!isNum(v[k])) return BAD;
  return v as Record<string, number>;
}

function stringArray(v: unknown): v is string[] {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== "string") return false;
  return true;
}

/** TopLogprobSchema with no other keys (so reusing the object equals zod's stripped copy). */
function isTop(v: unknown): boolean {
  if (!isObject(v) || typeof v.text !== "string" || !isNum(v.logprob)) return false;
  let known = 2;
  if (v.id !== undefined) {
    if (!Number.isSafeInteger(v.id) || (v.id as number) < 0) return false;
    known++;
  }
  let keys = 0;
  for (const _ in v) keys++;
  return keys === known;
}

/** TokenSchema with no unknown keys and no explicitly undefined optional keys. */
function isToken(v: unknown): boolean {
  if (!isObject(v) || typeof v.text !== "string") return false;
  let known = 1;
  if (v.id !== undefined) {
    if (!Number.isSafeInteger(v.id)) return false;
    known++;
  }
  if (v.logprob !== undefined) {
    if (!isNum(v.logprob)) return false;
    known++;
  }
  if (v.top !== undefined) {
    const top = v.top;
    if (!Array.isArray(top)) return false;
    for (let i = 0; i < top.length; i++) if (!isTop(top[i])) return false;
    known++;
  }
  let keys = 0;
  for (const _ in v) keys++;
  return keys === known;
}

/** Plain tokens checked and packed; a TokenList (only ever built from checked tokens) reused as is. */
function tokens(v: unknown): LoomNode["tokens"] | typeof BAD {
  if (v === undefined || v === null) return null;
  if (TokenList.is(v)) return v;
  if (!Array.isArray(v)) return BAD;
  for (let i = 0; i < v.length; i++) if (!isToken(v[i])) return BAD;
  return TokenList.from(v as Token[]);
}

/** The node schema's fields in its key order (what a record has to hold to be kept as it is). */
export const NODE_KEYS: readonly string[] = [
  "id",
  "parentId",
  "text",
  "tokens",
  "stepLogprob",
  "decisionId",
  "chosenBy",
  "selectionReason",
  "scores",
  "createdAt",
  "origin",
  "replacesId",
  "meta",
];

/** Has exactly `keys`, in that order, none undefined: what the schema would build from it, given valid values. */
function isCanonical(v: Rec, keys: readonly string[]): boolean {
  let i = 0;
  for (const k in v) {
    if (k !== keys[i] || v[k] === undefined) return false;
    i++;
  }
  return i === keys.length;
}

/**
 * NodeSchema.parse(input) without zod, or null when the input is not plainly valid. Plain tokens are
 * packed into a TokenList; records (scores, meta) are reused, not copied: the result shares them with the
 * input, and is the input itself when that already has every field, in schema order, tokens packed.
 */
export function parseNodeFast(input: unknown): LoomNode | null {
  if (!isObject(input)) return null;
  const v = input;
  if (!isNonEmptyString(v.id) || typeof v.text !== "string" || typeof v.createdAt !== "string") return null;
  const parentId = v.parentId;
  if (parentId !== null && !isNonEmptyString(parentId)) return null;
  const toks = tokens(v.tokens);
  const stepLogprob = nullableNumber(v.stepLogprob);
  const decisionId = nullableString(v.decisionId);
  const chosenBy = nullableEnum(v.chosenBy, CHOSEN_BY);
  const selectionReason = nullableString(v.selectionReason);
  const sc = scores(v.scores);
  const origin = v.origin === undefined ? "generated" : v.origin;
  const replacesId = nullableString(v.replacesId);
  const meta = v.meta === undefined ? EMPTY : v.meta;
  if (
    toks === BAD ||
    stepLogprob === BAD ||
    decisionId === BAD ||
    chosenBy === BAD ||
    selectionReason === BAD ||
    sc === BAD ||
    replacesId === BAD ||
    typeof origin !== "string" ||
    !ORIGINS.has(origin) ||
    !isPlainRecord(meta)
  ) {
    return null;
  }
  // Already complete and canonical, tokens packed (as nodes already in a loom are): use it as is rather than copy it.
  if (toks === v.tokens && isCanonical(v, NODE_KEYS)) return v as LoomNode;
  // Key order as in NodeSchema, so a fast-parsed node serialises exactly like a zod-parsed one.
  return {
    id: v.id,
    parentId,
    text: v.text,
    tokens: toks,
    stepLogprob,
    decisionId,
    chosenBy: chosenBy as LoomNode["chosenBy"],
    selectionReason,
    scores: sc,
    createdAt: v.createdAt,
    origin: origin as LoomNode["origin"],
    replacesId,
    meta,
  };
}

function nullableStringArray(v: unknown): string[] | null | typeof BAD {
  if (v === undefined || v === null) return null;
  return stringArray(v) ? v : BAD;
}

function candidateScores(v: unknown): Record<string, Record<string, number>> | typeof BAD {
  if (v === undefined) return EMPTY;
  if (!isPlainRecord(v)) return BAD;
  for (const k in v) if (scores(v[k]) === BAD || v[k] === undefined) return BAD;
  return v as Record<string, Record<string, number>>;
}

const isCount = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
const isSpan = (v: unknown) => isObject(v) && isCount(v.chars) && isCount(v.tokens) && Object.keys(v).length === 2;

/** A plainly valid PieceViewRecord (piece-view.ts) with no extra keys; anything else goes to zod. */
function isViewRecord(v: unknown): boolean {
  if (!isObject(v) || (v.shown !== "whole" && v.shown !== "cut")) return false;
  if (!Number.isSafeInteger(v.budgetTokens) || (v.budgetTokens as number) < 1) return false;
  if (!isSpan(v.total) || !isSpan(v.opening) || !isSpan(v.recent)) return false;
  if (v.elided !== null && !isSpan(v.elided)) return false;
  const s = v.summary;
  if (s !== null) {
    if (!isObject(s) || !isCount(s.chars) || !isCount(s.tokens) || Object.keys(s).length !== 5) return false;
    if (!Number.isSafeInteger(s.version) || (s.version as number) < 1) return false;
    if (typeof s.throughNodeId !== "string" || typeof s.cut !== "boolean") return false;
  }
  return Object.keys(v).length === 7;
}

/** DecisionEventSchema.parse(input) without zod, or null when the input is not plainly valid. Arrays and records are reused. */
export function parseDecisionFast(input: unknown): DecisionEvent | null {
  if (!isObject(input)) return null;
  const v = input;
  if (!isNonEmptyString(v.id) || !isNonEmptyString(v.parentNodeId) || typeof v.timestamp !== "string") return null;
  if (!stringArray(v.candidateNodeIds)) return null;
  const action = nullableEnum(v.action, ACTIONS);
  const chosenNodeId = nullableString(v.chosenNodeId);
  const chosenBy = nullableEnum(v.chosenBy, CHOSEN_BY);
  const reason = nullableString(v.reason);
  const ranking = nullableStringArray(v.ranking);
  const cs = candidateScores(v.candidateScores);
  const clarificationQuestion = nullableString(v.clarificationQuestion);
  const candidatesInTension = nullableStringArray(v.candidatesInTension);
  const whatHingesOnIt = nullableString(v.whatHingesOnIt);
  const humanResponse = nullableString(v.humanResponse);
  const maxLogprob = nullableNumber(v.maxLogprob);
  const chosenLogprob = nullableNumber(v.chosenLogprob);
  const logprobGap = nullableNumber(v.logprobGap);
  const resolvedAt = nullableString(v.resolvedAt);
  const briefVersion = v.briefVersion === undefined || v.briefVersion === null ? null : v.briefVersion;
  if (briefVersion !== null && !(Number.isSafeInteger(briefVersion) && (briefVersion as number) >= 1)) return null;
  const selectorView = v.selectorView === undefined || v.selectorView === null ? null : v.selectorView;
  if (selectorView !== null && !isViewRecord(selectorView)) return null;
  if (
    action === BAD ||
    chosenNodeId === BAD ||
    chosenBy === BAD ||
    reason === BAD ||
    ranking === BAD ||
    cs === BAD ||
    clarificationQuestion === BAD ||
    candidatesInTension === BAD ||
    whatHingesOnIt === BAD ||
    humanResponse === BAD ||
    maxLogprob === BAD ||
    chosenLogprob === BAD ||
    logprobGap === BAD ||
    resolvedAt === BAD
  ) {
    return null;
  }
  // Key order as in DecisionEventSchema.
  return {
    id: v.id,
    parentNodeId: v.parentNodeId,
    candidateNodeIds: v.candidateNodeIds,
    action: action as DecisionEvent["action"],
    chosenNodeId,
    chosenBy: chosenBy as DecisionEvent["chosenBy"],
    reason,
    ranking,
    candidateScores: cs,
    clarificationQuestion,
    candidatesInTension,
    whatHingesOnIt,
    humanResponse,
    maxLogprob,
    chosenLogprob,
    logprobGap,
    timestamp: v.timestamp,
    resolvedAt,
    briefVersion: briefVersion as number | null,
    selectorView: selectorView as DecisionEvent["selectorView"],
  };
}

/** An `addCandidates` op as LoomOpSchema would parse it (the op a step journals most); null on any doubt. */
export function parseAddCandidatesFast(op: Rec): Extract<LoomOp, { op: "addCandidates" }> | null {
  const { decisionId, parentNodeId, timestamp, nodes } = op;
  if (
    op["op"] !== "addCandidates" ||
    typeof decisionId !== "string" ||
    typeof parentNodeId !== "string" ||
    typeof timestamp !== "string"
  )
    return null;
  if (!Array.isArray(nodes) || nodes.length === 0) return null;
  const parsed: LoomNode[] = [];
  for (const n of nodes) {
    const node = parseNodeFast(n);
    if (node === null) return null;
    if (parsed.length > 0) shareSiblingStrings(node, parsed[parsed.length - 1]!);
    parsed.push(node);
  }
  return { op: "addCandidates", decisionId, parentNodeId, timestamp, nodes: parsed };
}

/**
 * Candidates of one decision are stored one after another and repeat its parent, decision and time: point
 * them at the previous node's strings (equal values, so nothing visible changes) rather than hold one
 * parsed copy each, which is ~100 bytes a node in a large loom.
 */
export function shareSiblingStrings(node: LoomNode, previous: LoomNode): void {
  if (node.parentId !== null && node.parentId === previous.parentId) node.parentId = previous.parentId;
  if (node.decisionId !== null && node.decisionId === previous.decisionId) node.decisionId = previous.decisionId;
  if (node.createdAt === previous.createdAt) node.createdAt = previous.createdAt;
  // Siblings come from one generator call, so their provenance is usually equal: one object for them all
  // (safe for the reason EMPTY is: records are replaced whole, never changed in place).
  if (node.meta !== previous.meta && sameFlatRecord(node.meta, previous.meta)) node.meta = previous.meta;
}

/** Same keys in the same order with the same primitive values (a nested object makes them differ). */
function sameFlatRecord(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i]!;
    if (k !== kb[i]) return false;
    const v = a[k];
    if ((typeof v === "object" && v !== null) || !Object.is(v, b[k])) return false;
  }
  return true;
}
