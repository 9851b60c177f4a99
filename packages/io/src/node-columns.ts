// Nodes frames in columns (snapshot version 6): one JSON array per node field per frame, a field equal to the record before's written as 0.
import { EMPTY_RECORD, NODE_KEYS } from "@loom/core/internal";
import { IoError } from "./io-error.js";
import { PayloadLines, parseJsonValue } from "./payload-lines.js";

/*
 * Why: a full open of a million realistic nodes parsed a million JSON objects (each with its keys, and
 * parentId, decisionId, createdAt and meta equal to the record before's, ~100 of its ~270 bytes) only to copy
 * each into a node of the schema's shape and drop it. In columns a frame is ten JSON.parse calls, a repeated
 * field costs one character and no allocation (the reader takes the record before's string or object), and the
 * reader builds each node once, in the schema's key order, so the fast parser checks it and keeps it as it is.
 *
 * Payload (one line each, deflated with the frame as before):
 *   ["node-columns",n,"id","parentId",...]  the header: the record count and the columns, in this order;
 *   then one JSON array of n values per column.
 * `parentId`, `decisionId`, `createdAt` and `meta` hold 0 for "the same as the record before in this frame"
 * (never for the first); `meta` holds null for the schema default ({}); `tokens` is what a version-5 record
 * held (a token count, its list in the token frame after this frame; null; or plain tokens); `rest` holds 0
 * or an object of the record's other fields not at their default (chosenBy, selectionReason, scores, origin,
 * replacesId, and any other key). A line-per-record frame starts with `{`, a column frame with `[`.
 */

export const NODE_COLUMNS = [
  "id",
  "parentId",
  "text",
  "tokens",
  "stepLogprob",
  "decisionId",
  "createdAt",
  "meta",
  "rest",
] as const;

/** Snapshot format version from which nodes frames may be column frames. */
export const NODE_COLUMNS_FROM = 6;

const HEADER_TAG = "node-columns";

/** Whether a nodes frame's (inflated) payload is a column frame rather than one JSON record per line. */
export function isColumnFrame(bytes: Uint8Array): boolean {
  return bytes.length > 0 && bytes[0] === 0x5b;
}

/** The fields a column holds (every other field of a node goes to `rest`). */
const IN_COLUMNS = new Set<string>(NODE_COLUMNS.filter((c) => c !== "rest"));
/** The schema's fields that go to `rest`, in its key order. */
const REST_KEYS = NODE_KEYS.filter((k) => !IN_COLUMNS.has(k));

/**
 * Builds one nodes frame's columns from node records (schema-shaped objects), one record at a time. `tokens`
 * is given per record: what the frame's record holds for its list (a count, null, or the list itself when it
 * cannot be packed). `bytes` is the frame's size so far, for the writer's cut into frames.
 */
export class NodeColumnsBuilder {
  private readonly cols: string[][] = NODE_COLUMNS.map(() => []);
  private previous: Record<string, unknown> | null = null;
  private previousMeta = "";
  private previousRest = "0";
  /** Each field of REST_KEYS with its default, or null when one has none (then `rest` is always built). */
  private readonly restDefaults: (readonly [string, unknown])[] | null;
  bytes = 0;

  constructor(private readonly defaults: ReadonlyMap<string, unknown>) {
    this.restDefaults = REST_KEYS.every((k) => defaults.has(k)) ? REST_KEYS.map((k) => [k, defaults.get(k)]) : null;
  }

  get count(): number {
    return this.cols[0]!.length;
  }

  add(node: object, tokens: unknown): void {
    const r = node as Record<string, unknown>;
    const prev = this.previous;
    // Each value is built before any is pushed, with no closure per call: this runs for every node of every
    // frame a compaction writes (most of a compaction's main-thread work after a run of decisions).
    const id = JSON.stringify(r["id"]);
    const parentId = r["parentId"] ?? null;
    const parent = prev !== null && repeats(parentId, prev["parentId"]) ? "0" : JSON.stringify(parentId);
    const text = JSON.stringify(r["text"]);
    const count = typeof tokens === "number" ? String(tokens) : JSON.stringify(tokens ?? null);
    const logprob = JSON.stringify(r["stepLogprob"] ?? null);
    const decisionId = r["decisionId"] ?? null;
    const decision = prev !== null && repeats(decisionId, prev["decisionId"]) ? "0" : JSON.stringify(decisionId);
    const createdAt = r["createdAt"];
    const time = prev !== null && repeats(createdAt, prev["createdAt"]) ? "0" : JSON.stringify(createdAt);
    const meta = r["meta"];
    let metaCol: string;
    // Siblings carry copies of one provenance (its nested parts shared): the same keys in the same order
    // holding the same values give the same JSON, so it is not serialised again for each.
    if (prev !== null && sameFlat(meta, prev["meta"])) metaCol = "0";
    else {
      const metaJson = meta === undefined || isEmptyObject(meta) ? "null" : JSON.stringify(meta);
      metaCol = prev !== null && metaJson === this.previousMeta ? "0" : metaJson;
      this.previousMeta = metaJson;
    }
    const rest = hasSchemaKeys(r) && this.restAtDefaults(r) ? "0" : this.rest(r);
    this.push(r, id, parent, text, count, logprob, decision, time, metaCol, rest);
  }

  /**
   * Add a record known to hold the same values as the record before in this frame in every field but id, text,
   * stepLogprob and tokens (a sibling from the same journaled op, neither changed since): its shared fields are
   * repeats, and nothing of them is compared or serialised.
   */
  addSibling(node: object, tokens: unknown): void {
    if (this.previous === null) throw new Error("addSibling needs a record before it in the frame");
    const r = node as Record<string, unknown>;
    const id = JSON.stringify(r["id"]);
    const text = JSON.stringify(r["text"]);
    const count = typeof tokens === "number" ? String(tokens) : JSON.stringify(tokens ?? null);
    const logprob = JSON.stringify(r["stepLogprob"] ?? null);
    this.push(r, id, "0", text, count, logprob, "0", "0", "0", this.previousRest);
  }

  private push(
    r: Record<string, unknown>,
    id: string,
    parent: string,
    text: string,
    count: string,
    logprob: string,
    decision: string,
    time: string,
    metaCol: string,
    rest: string,
  ): void {
    const cols = this.cols;
    cols[0]!.push(id);
    cols[1]!.push(parent);
    cols[2]!.push(text);
    cols[3]!.push(count);
    cols[4]!.push(logprob);
    cols[5]!.push(decision);
    cols[6]!.push(time);
    cols[7]!.push(metaCol);
    cols[8]!.push(rest);
    this.bytes +=
      id.length +
      parent.length +
      text.length +
      count.length +
      logprob.length +
      decision.length +
      time.length +
      metaCol.length +
      rest.length +
      NODE_COLUMNS.length;
    this.previous = r;
    this.previousRest = rest;
  }

  /** For a record of the schema's keys: whether every field the rest column holds is at its schema default. */
  private restAtDefaults(r: Record<string, unknown>): boolean {
    const fields = this.restDefaults;
    if (fields === null) return false;
    for (let i = 0; i < fields.length; i++) if (!isDefault(r[fields[i]![0]], fields[i]![1])) return false;
    return true;
  }

  /** The rest column's value: the record's fields outside the columns and not at their default, or 0 for none. */
  private rest(r: Record<string, unknown>): string {
    let rest: Record<string, unknown> | null = null;
    for (const key in r) {
      if (IN_COLUMNS.has(key)) continue;
      const value = r[key];
      if (value === undefined || (this.defaults.has(key) && isDefault(value, this.defaults.get(key)))) continue;
      (rest ??= {})[key] = value;
    }
    return rest === null ? "0" : JSON.stringify(rest);
  }

  /** The frame's payload: the header line, then one line per column. */
  finish(): Buffer {
    const n = this.count;
    const lines = [JSON.stringify([HEADER_TAG, n, ...NODE_COLUMNS])];
    for (const col of this.cols) lines.push(`[${col.join(",")}]`);
    return Buffer.from(lines.join("\n"), "utf8");
  }
}

/** Whether a column value may be written as a repeat of the record before's (objects never are). */
function repeats(value: unknown, before: unknown): boolean {
  return value === before && typeof value !== "object";
}

/** Whether a record has exactly the schema's keys in its order: then the rest column's fields are known by name. */
function hasSchemaKeys(r: Record<string, unknown>): boolean {
  let i = 0;
  for (const key in r) if (key !== NODE_KEYS[i++]) return false;
  return i === NODE_KEYS.length;
}

/** The same value, or two plain objects with the same keys in the same order holding identical values. */
function sameFlat(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) return false;
  const bk = Object.keys(b);
  let i = 0;
  for (const k in a) {
    if (k !== bk[i++] || !Object.is((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return i === bk.length;
}

/** Whether `v` is a plain object with no keys. */
export function isEmptyObject(v: unknown): boolean {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  for (const _ in v) return false;
  return true;
}

/**
 * Whether a record's `value` equals its field's schema default `def` (records leave such fields out), compared by
 * value, not by serialising it: this runs for every field of every record encoded. Only empty objects or arrays
 * can equal an object default.
 */
export function isDefault(value: unknown, def: unknown): boolean {
  if (def === null || typeof def !== "object") return value === def;
  if (Array.isArray(def)) return def.length === 0 && Array.isArray(value) && value.length === 0;
  return isEmptyObject(def) && isEmptyObject(value);
}

/**
 * The records of a column frame, each a node in the schema's key order (defaults filled in, the shared empty
 * record for an absent meta or scores), `tokens` as the frame stored it (for the caller to revive). Values
 * are not checked here beyond the frame's shape: the node parser (or the schema, naming the field) does that.
 * Throws IoError naming the frame for a header, a column or a repeat marker that does not fit.
 */
export function columnRecords(
  bytes: Buffer,
  file: string,
  where: string,
): { records: Record<string, unknown>[]; chars: number } {
  const bad = (what: string) => new IoError("damaged", `${where} ${what}`, { file, field: where });
  const lines = new PayloadLines(bytes);
  const header = parseLine(lines.next(), file, `${where} (column header)`);
  const n = header[1];
  if (
    header[0] !== HEADER_TAG ||
    typeof n !== "number" ||
    !Number.isSafeInteger(n) ||
    n < 0 ||
    header.length !== 2 + NODE_COLUMNS.length ||
    NODE_COLUMNS.some((c, i) => header[2 + i] !== c)
  )
    throw bad("has a column header this build does not know");
  const cols: unknown[][] = [];
  for (const name of NODE_COLUMNS) {
    const col = parseLine(lines.next(), file, `${where} (column ${name})`);
    if (col.length !== n) throw bad(`has ${col.length} values in column ${name} for ${n} records`);
    cols.push(col);
  }
  if (lines.next() !== undefined) throw bad("has lines after its columns");
  const [ids, parents, texts, tokens, logprobs, decisions, times, metas, rests] = cols as [
    unknown[],
    unknown[],
    unknown[],
    unknown[],
    unknown[],
    unknown[],
    unknown[],
    unknown[],
    unknown[],
  ];
  const records: Record<string, unknown>[] = new Array(n);
  let parentId: unknown = null;
  let decisionId: unknown = null;
  let createdAt: unknown = null;
  let meta: unknown = EMPTY_RECORD;
  for (let k = 0; k < n; k++) {
    const repeats = k > 0;
    const p = parents[k];
    const d = decisions[k];
    const t = times[k];
    const m = metas[k];
    if (!repeats && (p === 0 || d === 0 || t === 0 || m === 0))
      throw bad("repeats a field of a record before its first");
    if (p !== 0) parentId = p;
    if (d !== 0) decisionId = d;
    if (t !== 0) createdAt = t;
    if (m !== 0) meta = m === null ? EMPTY_RECORD : m;
    const r: Record<string, unknown> = {
      id: ids[k],
      parentId,
      text: texts[k],
      tokens: tokens[k],
      stepLogprob: logprobs[k],
      decisionId,
      chosenBy: null,
      selectionReason: null,
      scores: EMPTY_RECORD,
      createdAt,
      origin: "generated",
      replacesId: null,
      meta,
    };
    const rest = rests[k];
    if (rest !== 0) {
      if (typeof rest !== "object" || rest === null || Array.isArray(rest))
        throw bad(`record ${k} has a rest that is not an object`);
      for (const key in rest) {
        if (IN_COLUMNS.has(key)) throw bad(`record ${k} has ${key} outside its column`);
        r[key] = (rest as Record<string, unknown>)[key];
      }
    }
    records[k] = r;
  }
  return { records, chars: lines.chars };
}

function parseLine(line: string | undefined, file: string, where: string): unknown[] {
  if (line === undefined) throw new IoError("damaged", `${where} is missing`, { file, field: where });
  const value = parseJsonValue(line, file, where);
  if (!Array.isArray(value))
    throw new IoError("invalid_field", `${where} is not a JSON array`, {
      file,
      field: where,
      expected: "a JSON array",
    });
  return value;
}

/** Whether a snapshot of format version `version` may hold column frames. */
export function columnsAllowed(version: unknown): boolean {
  return typeof version === "number" && version >= NODE_COLUMNS_FROM;
}
