// Nodes frames in columns (snapshot version 6): one JSON array per node field per frame, a field equal to the record before's written as 0.
import { EMPTY_RECORD } from "@loom/core/internal";
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

/**
 * Builds one nodes frame's columns from node records (schema-shaped objects), one record at a time. `tokens`
 * is given per record: what the frame's record holds for its list (a count, null, or the list itself when it
 * cannot be packed). `bytes` is the frame's size so far, for the writer's cut into frames.
 */
export class NodeColumnsBuilder {
  private readonly cols: string[][] = NODE_COLUMNS.map(() => []);
  private previous: Record<string, unknown> | null = null;
  private previousMeta = "";
  bytes = 0;

  constructor(private readonly defaults: ReadonlyMap<string, unknown>) {}

  get count(): number {
    return this.cols[0]!.length;
  }

  add(node: object, tokens: unknown): void {
    const r = node as Record<string, unknown>;
    const prev = this.previous;
    const cols = this.cols;
    let bytes = 0;
    const put = (c: number, json: string) => {
      cols[c]!.push(json);
      bytes += json.length + 1;
    };
    const same = (key: string) => prev !== null && r[key] === prev[key] && typeof r[key] !== "object";
    put(0, JSON.stringify(r["id"]));
    put(1, same("parentId") ? "0" : JSON.stringify(r["parentId"] ?? null));
    put(2, JSON.stringify(r["text"]));
    put(3, JSON.stringify(tokens ?? null));
    put(4, JSON.stringify(r["stepLogprob"] ?? null));
    put(5, same("decisionId") ? "0" : JSON.stringify(r["decisionId"] ?? null));
    put(6, same("createdAt") ? "0" : JSON.stringify(r["createdAt"]));
    const meta = r["meta"];
    // Siblings carry copies of one provenance (its nested parts shared): the same keys in the same order
    // holding the same values give the same JSON, so it is not serialised again for each.
    if (prev !== null && sameFlat(meta, prev["meta"])) put(7, "0");
    else {
      const metaJson = meta === undefined || isEmptyObject(meta) ? "null" : JSON.stringify(meta);
      put(7, prev !== null && metaJson === this.previousMeta ? "0" : metaJson);
      this.previousMeta = metaJson;
    }
    let rest: Record<string, unknown> | null = null;
    for (const key in r) {
      if (IN_COLUMNS.has(key)) continue;
      const value = r[key];
      if (value === undefined || (this.defaults.has(key) && isDefault(value, this.defaults.get(key)))) continue;
      (rest ??= {})[key] = value;
    }
    put(8, rest === null ? "0" : JSON.stringify(rest));
    this.previous = r;
    this.bytes += bytes;
  }

  /** The frame's payload: the header line, then one line per column. */
  finish(): Buffer {
    const n = this.count;
    const lines = [JSON.stringify([HEADER_TAG, n, ...NODE_COLUMNS])];
    for (const col of this.cols) lines.push(`[${col.join(",")}]`);
    return Buffer.from(lines.join("\n"), "utf8");
  }
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
