// One session's facts packed for the trip from a reading worker to the main thread: the decisions as columns, numbers in a Float64Array, strings through a table.
import type { DecisionFacts, SessionFacts } from "./session-facts.js";

/*
 * Why not post SessionFacts as they are: the structured clone of 200 decisions writes every key of every decision
 * and every string again (60 KB a session), and reading that back on the main thread, which also has to aggregate
 * everything, cost 0.8 CPU-s for 1,000 sessions. Packed, the numbers travel as one typed array and each distinct
 * string (actions, choosers, reasons repeat) once. Unpacking rebuilds the same objects, key for key and bit for bit.
 */

/** The numeric fields of a decision (each a number or null), in the columns' order. */
const NUMBER_FIELDS = [
  "step",
  "position",
  "maxLogprob",
  "chosenLogprob",
  "logprobGap",
  "candidates",
  "distinctTexts",
  "meanPairwiseOverlap",
] as const;
/** The string fields (each a string or null). */
const STRING_FIELDS = ["id", "action", "chosenBy", "chosenNodeId", "reason"] as const;
/** The rest, passed as they are (null for most decisions). */
const OTHER_FIELDS = ["ranking", "clarification"] as const;

/** Each field's column within its kind. */
const columnOf = <F extends string>(fields: readonly F[]) =>
  Object.fromEntries(fields.map((f, i) => [f, i])) as Record<F, number>;
const N = columnOf(NUMBER_FIELDS);
const S = columnOf(STRING_FIELDS);
const O = columnOf(OTHER_FIELDS);

type Packed = (typeof NUMBER_FIELDS)[number] | (typeof STRING_FIELDS)[number] | (typeof OTHER_FIELDS)[number];
// A field added to DecisionFacts and to none of the lists above fails to compile here.
const everyFieldPacked: [Exclude<keyof DecisionFacts, Packed>] extends [never] ? true : never = true;
void everyFieldPacked;

export interface PackedFacts {
  /** The session's facts without its decisions. */
  session: Omit<SessionFacts, "decisions">;
  count: number;
  /** NUMBER_FIELDS.length values per decision; a null is NaN here and marked in `numberNulls`. */
  numbers: Float64Array<ArrayBuffer>;
  numberNulls: Uint8Array<ArrayBuffer>;
  /** STRING_FIELDS.length indexes into `strings` per decision; -1 for null. */
  stringRefs: Int32Array<ArrayBuffer>;
  strings: string[];
  /** OTHER_FIELDS.length values per decision, or null when every one of them is null. */
  others: unknown[] | null;
}

export function packFacts(facts: SessionFacts): PackedFacts {
  const { decisions, ...session } = facts;
  const count = decisions.length;
  const numbers = new Float64Array(count * NUMBER_FIELDS.length);
  const numberNulls = new Uint8Array(count * NUMBER_FIELDS.length);
  const stringRefs = new Int32Array(count * STRING_FIELDS.length);
  const strings: string[] = [];
  const refs = new Map<string, number>();
  let others: unknown[] | null = null;
  for (let i = 0; i < count; i++) {
    const d = decisions[i]!;
    for (let f = 0; f < NUMBER_FIELDS.length; f++) {
      const v = d[NUMBER_FIELDS[f]!];
      const at = i * NUMBER_FIELDS.length + f;
      if (v === null) {
        numbers[at] = Number.NaN;
        numberNulls[at] = 1;
      } else numbers[at] = v;
    }
    for (let f = 0; f < STRING_FIELDS.length; f++) {
      const v = d[STRING_FIELDS[f]!];
      let ref = -1;
      if (v !== null) {
        ref = refs.get(v) ?? -1;
        if (ref < 0) {
          ref = strings.length;
          strings.push(v);
          refs.set(v, ref);
        }
      }
      stringRefs[i * STRING_FIELDS.length + f] = ref;
    }
    for (let f = 0; f < OTHER_FIELDS.length; f++) {
      const v = d[OTHER_FIELDS[f]!];
      if (v === null && others === null) continue;
      others ??= new Array<unknown>(count * OTHER_FIELDS.length).fill(null);
      others[i * OTHER_FIELDS.length + f] = v;
    }
  }
  return { session, count, numbers, numberNulls, stringRefs, strings, others };
}

export function unpackFacts(packed: PackedFacts): SessionFacts {
  const { count, numbers, numberNulls, stringRefs, strings, others } = packed;
  const num = (i: number, f: number) => {
    const at = i * NUMBER_FIELDS.length + f;
    return numberNulls[at] ? null : numbers[at]!;
  };
  const str = (i: number, f: number) => {
    const ref = stringRefs[i * STRING_FIELDS.length + f]!;
    return ref < 0 ? null : strings[ref]!;
  };
  const other = (i: number, f: number) => (others === null ? null : others[i * OTHER_FIELDS.length + f]);
  const decisions: DecisionFacts[] = new Array(count);
  for (let i = 0; i < count; i++) {
    // Keys in the order factsOf writes them (session-facts-builder.ts), so the objects print alike.
    decisions[i] = {
      id: str(i, S.id)!,
      step: num(i, N.step)!,
      position: num(i, N.position)!,
      action: str(i, S.action) as DecisionFacts["action"],
      chosenBy: str(i, S.chosenBy) as DecisionFacts["chosenBy"],
      chosenNodeId: str(i, S.chosenNodeId),
      ranking: other(i, O.ranking) as DecisionFacts["ranking"],
      reason: str(i, S.reason),
      maxLogprob: num(i, N.maxLogprob),
      chosenLogprob: num(i, N.chosenLogprob),
      logprobGap: num(i, N.logprobGap),
      candidates: num(i, N.candidates)!,
      distinctTexts: num(i, N.distinctTexts)!,
      meanPairwiseOverlap: num(i, N.meanPairwiseOverlap),
      clarification: other(i, O.clarification) as DecisionFacts["clarification"],
    };
  }
  // The session's keys in SessionFacts' order, decisions in their place.
  const { usage, warnings, ...head } = packed.session;
  return { ...head, usage, decisions, warnings };
}
