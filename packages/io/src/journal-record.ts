// Binary journal records (journal version 4): an addCandidates op as its shared fields once and each candidate's id, text, logprob and packed tokens, in a length-prefixed checksummed frame.
import { crc32 } from "node:zlib";
import { NodeSchema, type LoomNode, type LoomOp } from "@loom/core";
import { JOURNAL_VERSION } from "./format-names.js";
import { IoError } from "./io-error.js";
import { sealPieces } from "./line-seal.js";
import { encodeOp, NODE_DEFAULTS } from "./snapshot-codec.js";
import { packedView, unpackTokenBytes } from "./token-codec.js";

/*
 * Why: a commit's cost was mostly serialising its candidates as JSON, each node with its provenance (the
 * same for all eight siblings) and its packed tokens in base64. Here the shared fields are written once,
 * strings as their UTF-8 bytes, the logprob as a float64 and the tokens as the packed bytes the snapshot's
 * token frames hold (token-codec.ts), which the next compaction reuses as they are.
 *
 * Frame (the journal's other ops stay sealed JSON lines; a record is told from a line by its first byte,
 * which no UTF-8 text starts with):
 *   0xF5, u32 body length L, u32 ~L (a damaged length is caught before it is trusted), the body,
 *   u32 CRC-32 of everything before it, "\n" (so a journal cut between records still ends in a newline).
 * Body (integers are varints, 7 bits a byte, low bits first; str is a varint byte length and UTF-8):
 *   version, seq, u8 op kind (1: addCandidates), str decisionId, str parentNodeId, str timestamp,
 *   str the JSON object of the node fields all candidates share (besides id, text, stepLogprob, tokens),
 *   node count, then per node: u8 flags (1 stepLogprob, 2 tokens, 4 own fields), str id, str text,
 *   [f64 stepLogprob], [varint size, packed tokens], [str JSON object of the fields it does not share].
 */

export const RECORD_MARK = 0xf5;
const HEADER = 9;
const TRAILER = 5;
/** A body length beyond this is damage, not a record: no op carries a quarter of a gigabyte. */
const MAX_BODY = 256 * 1024 * 1024;
const KIND_ADD_CANDIDATES = 1;
const HAS_LOGPROB = 1;
const HAS_TOKENS = 2;
const HAS_OWN = 4;

/** Fields a record carries per node in binary, not in JSON. */
const BINARY_FIELDS = new Set(["id", "text", "stepLogprob", "tokens"]);
/** A node's fields as the schema lists them, and those of them the record carries as JSON. */
const NODE_FIELDS = Object.keys(NodeSchema.shape);
const OTHER_FIELDS = NODE_FIELDS.filter((k) => !BINARY_FIELDS.has(k));

/** Whether `record` has exactly `keys`, in that order. */
function sameKeys(record: object, keys: readonly string[]): boolean {
  let i = 0;
  for (const k in record) if (k !== keys[i++]) return false;
  return i === keys.length;
}
const LONE_SURROGATE = /\p{Surrogate}/u;

/** What the snapshot encoder reuses of a binary record: the candidates' JSON fields and packed tokens (SnapshotEncoder.noteOp). */
export interface JournaledNodes {
  /** The JSON object of the fields every candidate shares (as in the record). */
  common: string;
  /** Its members as UTF-8 bytes, made by the snapshot encoder the first time it needs them. */
  commonBytes?: Buffer;
  /** Per node: the JSON object of its own other fields ("" for none), and its packed tokens (null without tokens). */
  own: string[];
  packed: (Buffer | null)[];
}

export interface JournalRecord {
  /** The record as written, newline included. */
  bytes: Buffer;
  /** Whether `bytes` belongs to the caller; otherwise it is a buffer the next call reuses (copy it to keep it). */
  owned: boolean;
  /** For a binary addCandidates record: what the next snapshot reuses. */
  journaled: JournaledNodes | null;
  /** For an addCandidates op journaled as JSON (texts UTF-8 cannot carry): each node's JSON bytes. */
  nodes: Buffer[] | null;
}

let scratch = Buffer.allocUnsafe(64 * 1024);
let at = 0;

/**
 * Records are copied out of the scratch buffer into slabs of this size, handed out in slices: a buffer of
 * its own per record (over Node's pooled size) cost more than encoding it. A slab lives while any record
 * in it is kept (a compaction's tail, the next snapshot's packed tokens), which MAX_KNOWN_BYTES bounds.
 */
const SLAB = 1024 * 1024;
let slab = Buffer.allocUnsafeSlow(SLAB);
let slabAt = 0;

function slabCopy(n: number): Buffer {
  if (n > SLAB / 4) return Buffer.from(scratch.subarray(0, n));
  if (slabAt + n > SLAB) {
    slab = Buffer.allocUnsafeSlow(SLAB);
    slabAt = 0;
  }
  const out = slab.subarray(slabAt, slabAt + n);
  scratch.copy(out, 0, 0, n);
  // Slices start on 8-byte boundaries, as Node's own pool keeps them.
  slabAt += (n + 7) & ~7;
  return out;
}

function room(n: number): void {
  if (at + n <= scratch.length) return;
  const bigger = Buffer.allocUnsafe(Math.max(at + n, scratch.length * 2));
  scratch.copy(bigger, 0, 0, at);
  scratch = bigger;
}

function putVarint(n: number): void {
  room(8);
  while (n >= 128) {
    scratch[at++] = 128 | (n % 128);
    n = Math.floor(n / 128);
  }
  scratch[at++] = n;
}

/** Write a string whose UTF-8 byte length is `bytes`. */
function putStr(s: string, bytes: number): void {
  putVarint(bytes);
  room(bytes);
  at += scratch.write(s, at, bytes, bytes === s.length ? "latin1" : "utf8");
}

/** The UTF-8 byte length of `s`, or -1 when UTF-8 cannot carry it (a lone surrogate). */
function utf8Length(s: string): number {
  const n = Buffer.byteLength(s, "utf8");
  return n !== s.length && LONE_SURROGATE.test(s) ? -1 : n;
}

const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);

function isFlatRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Equal for sharing: the same value, or two records with the same keys holding the same values (provenance
 * is copied per candidate, its nested parts shared). Counted with for-in, not Object.keys: no array per call.
 */
function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (!isFlatRecord(a) || !isFlatRecord(b)) return false;
  let count = 0;
  for (const k in a) {
    if (!Object.is(a[k], b[k])) return false;
    count++;
  }
  for (const _ in b) count--;
  return count === 0;
}

function isDefault(key: string, value: unknown): boolean {
  if (!NODE_DEFAULTS.has(key)) return false;
  const def = NODE_DEFAULTS.get(key);
  if (def === null || typeof def !== "object") return value === def;
  if (!isFlatRecord(value)) return false;
  for (const _ in value) return false;
  return true;
}

/** Split the nodes' other fields (those not at their default) into those all share and those some do not. */
function splitFields(nodes: readonly LoomNode[]): { common: Record<string, unknown>; varying: string[] } {
  const first = nodes[0] as unknown as Record<string, unknown>;
  const common: Record<string, unknown> = {};
  const varying: string[] = [];
  // Nodes made by the op builders have exactly the schema's keys; any other shape is collected key by key.
  let keys: Iterable<string> = OTHER_FIELDS;
  for (const n of nodes) {
    if (sameKeys(n, NODE_FIELDS)) continue;
    const all = new Set<string>();
    for (const m of nodes) for (const k in m) if (!BINARY_FIELDS.has(k)) all.add(k);
    keys = all;
    break;
  }
  for (const k of keys) {
    const v = first[k];
    let shared = true;
    for (let i = 1; i < nodes.length && shared; i++)
      shared = sameValue((nodes[i] as unknown as Record<string, unknown>)[k], v);
    if (!shared) varying.push(k);
    else if (v !== undefined && !isDefault(k, v)) common[k] = v;
  }
  return { common, varying };
}

/** The binary body of an addCandidates op into the scratch buffer after the header; false when UTF-8 cannot carry one of its texts. */
function writeAddCandidates(
  op: Extract<LoomOp, { op: "addCandidates" }>,
  seq: number,
  out: { common: string; own: string[]; spans: number[] },
): boolean {
  at = HEADER;
  putVarint(JOURNAL_VERSION);
  putVarint(seq);
  room(1);
  scratch[at++] = KIND_ADD_CANDIDATES;
  for (const s of [op.decisionId, op.parentNodeId, op.timestamp]) {
    const n = utf8Length(s);
    if (n < 0) return false;
    putStr(s, n);
  }
  const { common, varying } = splitFields(op.nodes);
  // JSON escapes lone surrogates, so these are always well-formed.
  out.common = JSON.stringify(common);
  putStr(out.common, Buffer.byteLength(out.common, "utf8"));
  putVarint(op.nodes.length);
  for (const node of op.nodes) {
    const idBytes = utf8Length(node.id);
    const textBytes = utf8Length(node.text);
    if (idBytes < 0 || textBytes < 0) return false;
    let own = "";
    if (varying.length > 0) {
      const fields: Record<string, unknown> = {};
      const r = node as unknown as Record<string, unknown>;
      for (const k of varying) if (r[k] !== undefined && !isDefault(k, r[k])) fields[k] = r[k];
      own = JSON.stringify(fields);
      if (own === "{}") own = "";
    }
    const packed = node.tokens === null ? null : packedView(node.tokens);
    if (node.tokens !== null && packed === null) return false;
    room(1);
    const flags = (node.stepLogprob !== null ? HAS_LOGPROB : 0) | (packed ? HAS_TOKENS : 0) | (own ? HAS_OWN : 0);
    scratch[at++] = flags;
    putStr(node.id, idBytes);
    putStr(node.text, textBytes);
    if (node.stepLogprob !== null) {
      room(8);
      f64[0] = node.stepLogprob;
      for (let k = 0; k < 8; k++) scratch[at++] = f64Bytes[k]!;
    }
    if (packed) {
      putVarint(packed.length);
      room(packed.length);
      // Where the packed bytes lie in the record: the snapshot encoder reuses them from there.
      out.spans.push(at, packed.length);
      at += packed.copy(scratch, at);
    } else out.spans.push(-1, 0);
    out.own.push(own);
    if (own) putStr(own, Buffer.byteLength(own, "utf8"));
  }
  return true;
}

/**
 * The journal record of `op` at `seq`: binary for addCandidates (unless UTF-8 cannot carry one of its texts,
 * when it is a JSON line like every other op), sealed.
 */
export function journalRecord(op: LoomOp, seq: number): JournalRecord {
  if (op.op === "addCandidates") {
    const parts = { common: "", own: [] as string[], spans: [] as number[] };
    if (writeAddCandidates(op, seq, parts)) {
      const body = at - HEADER;
      room(TRAILER);
      scratch[0] = RECORD_MARK;
      scratch.writeUInt32LE(body, 1);
      scratch.writeUInt32LE(~body >>> 0, 5);
      scratch.writeUInt32LE(crc32(scratch.subarray(0, at)), at);
      scratch[at + 4] = 0x0a;
      // One copy the session owns: written now, kept for a compaction's journal tail, its packed tokens kept for the next snapshot.
      const bytes = slabCopy(at + TRAILER);
      const packed: (Buffer | null)[] = [];
      for (let i = 0; i < parts.spans.length; i += 2) {
        const from = parts.spans[i]!;
        packed.push(from < 0 ? null : bytes.subarray(from, from + parts.spans[i + 1]!));
      }
      return { bytes, owned: true, journaled: { common: parts.common, own: parts.own, packed }, nodes: null };
    }
  }
  const encoded = encodeOp(op);
  const bytes = sealPieces(
    `{"version":${JOURNAL_VERSION},"seq":${seq},"op":${encoded.head}`,
    encoded.nodes,
    encoded.tail,
  );
  return { bytes, owned: false, journaled: null, nodes: encoded.nodes };
}

/** What the bytes at a record's start hold. */
export type FrameCheck =
  /** A whole record of `size` bytes, newline included. */
  | { kind: "whole"; size: number }
  /** Not all there yet (at the end of the file: torn, or whole but for its newline when `missingNewline`). */
  | { kind: "short"; missingNewline: boolean }
  /** Damaged: `size` is the record's extent when it is still known (its length intact), else null. */
  | { kind: "damaged"; why: string; field: string; size: number | null };

/** Check the frame of the record starting at buf[start] (RECORD_MARK), given the bytes up to `end`. */
export function checkRecordFrame(buf: Buffer, start: number, end: number): FrameCheck {
  const avail = end - start;
  if (avail < HEADER) return { kind: "short", missingNewline: false };
  const body = buf.readUInt32LE(start + 1);
  if ((body ^ buf.readUInt32LE(start + 5)) >>> 0 !== 0xffffffff || body > MAX_BODY)
    return { kind: "damaged", why: "has a damaged length (its two copies disagree)", field: "length", size: null };
  const total = HEADER + body + TRAILER;
  if (avail < total - 1) return { kind: "short", missingNewline: false };
  const sealed = start + HEADER + body;
  const intact = crc32(buf.subarray(start, sealed)) === buf.readUInt32LE(sealed);
  if (avail === total - 1) return { kind: "short", missingNewline: intact };
  if (!intact) {
    return {
      kind: "damaged",
      why: "fails its checksum: the file was damaged after it was written",
      field: "crc",
      size: buf[start + total - 1] === 0x0a ? total : null,
    };
  }
  if (buf[start + total - 1] !== 0x0a)
    return { kind: "damaged", why: "is not followed by its newline", field: "(end of record)", size: null };
  return { kind: "whole", size: total };
}

/** Reads a record's body, with errors naming the file, the record and the field. */
class BodyReader {
  at: number;
  constructor(
    private readonly buf: Buffer,
    from: number,
    private readonly end: number,
    private readonly file: string,
    private readonly line: number,
  ) {
    this.at = from;
  }

  bad(field: string, what: string): IoError {
    return new IoError("invalid_field", `record ${this.line} (binary) ${what}`, {
      file: this.file,
      line: this.line,
      field,
      expected: "a journal record as this build writes it (journal-record.ts)",
    });
  }

  need(n: number, field: string): void {
    if (this.at + n > this.end) throw this.bad(field, `ends inside ${field}`);
  }

  varint(field: string): number {
    let v = 0;
    for (let scale = 1, k = 0; k < 8; k++, scale *= 128) {
      this.need(1, field);
      const b = this.buf[this.at++]!;
      v += (b & 127) * scale;
      if (b < 128) return v;
    }
    throw this.bad(field, `has an impossible ${field}`);
  }

  u8(field: string): number {
    this.need(1, field);
    return this.buf[this.at++]!;
  }

  str(field: string): string {
    const n = this.varint(field);
    this.need(n, field);
    this.at += n;
    return this.buf.toString("utf8", this.at - n, this.at);
  }

  f64(field: string): number {
    this.need(8, field);
    this.at += 8;
    return this.buf.readDoubleLE(this.at - 8);
  }

  json(field: string): Record<string, unknown> {
    const text = this.str(field);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw this.bad(field, `holds ${field} that is not JSON`);
    }
    if (!isFlatRecord(value)) throw this.bad(field, `holds ${field} that is not a JSON object`);
    return value;
  }

  get done(): boolean {
    return this.at === this.end;
  }
}

/**
 * The journal line a whole binary record (buf[start, start + size)) stands for: `{version, seq, op}` with the
 * nodes' tokens as TokenLists (read lazily unless `eager`), for the same checks and replay as a JSON line.
 * A record of a newer version is returned with its version and seq only, for the version check to refuse.
 */
export function decodeRecord(
  buf: Buffer,
  start: number,
  size: number,
  file: string,
  line: number,
  eager = false,
): Record<string, unknown> {
  const r = new BodyReader(buf, start + HEADER, start + size - TRAILER, file, line);
  const version = r.varint("version");
  const seq = r.varint("seq");
  if (version > JOURNAL_VERSION) return { version, seq };
  if (version < BINARY_FROM) throw r.bad("version", `says version ${version}, which had no binary records`);
  const kind = r.u8("op");
  if (kind !== KIND_ADD_CANDIDATES) throw r.bad("op", `holds an op of unknown kind ${kind}`);
  const decisionId = r.str("op.decisionId");
  const parentNodeId = r.str("op.parentNodeId");
  const timestamp = r.str("op.timestamp");
  const common = r.json("op.nodes (shared fields)");
  const count = r.varint("op.nodes");
  const nodes: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const where = `op.nodes[${i}]`;
    const flags = r.u8(where);
    if (flags > 7) throw r.bad(where, `has impossible flags for ${where}`);
    const id = r.str(`${where}.id`);
    const text = r.str(`${where}.text`);
    const stepLogprob = flags & HAS_LOGPROB ? r.f64(`${where}.stepLogprob`) : null;
    let tokens = null;
    if (flags & HAS_TOKENS) {
      const n = r.varint(`${where}.tokens`);
      r.need(n, `${where}.tokens`);
      tokens = unpackTokenBytes(buf, r.at, r.at + n, eager);
      if (tokens === null) throw r.bad(`${where}.tokens`, `has tokens in ${where} that are not a packed token list`);
      r.at += n;
    }
    const own = flags & HAS_OWN ? r.json(`${where} (own fields)`) : null;
    // The record's own fields last, so nothing in the shared JSON can stand in for them.
    nodes.push({ ...common, ...own, id, text, tokens, stepLogprob });
  }
  if (!r.done) throw r.bad("(whole record)", "has bytes after its last node");
  return { version, seq, op: { op: "addCandidates", decisionId, parentNodeId, timestamp, nodes } };
}

/** Journal version from which addCandidates ops may be binary records. */
export const BINARY_FROM = 4;
