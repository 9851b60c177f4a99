// Binary journal records (journal version 4): an addCandidates op as its shared fields once and each candidate's id, text, logprob and packed tokens, in a length-prefixed checksummed frame (the layout: journal-record-read.ts).
import { crc32 } from "node:zlib";
import { NodeSchema, type LoomNode, type LoomOp } from "@loom/core";
import { JOURNAL_VERSION } from "./format-names.js";
import { sealPieces } from "./line-seal.js";
import {
  HAS_LOGPROB,
  HAS_OWN,
  HAS_TOKENS,
  HEADER,
  KIND_ADD_CANDIDATES,
  RECORD_MARK,
  TRAILER,
  f64,
  f64Bytes,
  isFlatRecord,
  type JournaledNodes,
} from "./journal-record-read.js";
import { encodeOp, NODE_DEFAULTS } from "./snapshot-codec.js";
import { packedView } from "./token-codec.js";

export {
  BINARY_FROM,
  checkRecordFrame,
  decodeRecord,
  type FrameCheck,
  type JournaledNodes,
  RECORD_MARK,
} from "./journal-record-read.js";

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

export interface JournalRecord {
  /** The record as written, newline included. */
  bytes: Buffer;
  /** Whether `bytes` belongs to the caller; otherwise it is a buffer the next call reuses (copy it to keep it). */
  owned: boolean;
  /** For a binary addCandidates record: what the next snapshot reuses (not the packed tokens: see journalRecord). */
  journaled: JournaledNodes | null;
  /** For an addCandidates op journaled as JSON (texts UTF-8 cannot carry): each node's JSON bytes. */
  nodes: Buffer[] | null;
}

let scratch = Buffer.allocUnsafe(64 * 1024);
let at = 0;

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

/**
 * Strings up to this long that are ASCII are measured and copied in a loop here: ids and candidate texts are
 * short, and a call into Buffer's native code per string cost more than the copy.
 */
const SHORT = 64;

/** Write a string whose UTF-8 byte length is `bytes`. */
function putStr(s: string, bytes: number): void {
  putVarint(bytes);
  room(bytes);
  if (bytes === s.length && bytes <= SHORT) {
    for (let i = 0; i < bytes; i++) scratch[at++] = s.charCodeAt(i);
    return;
  }
  at += scratch.write(s, at, bytes, bytes === s.length ? "latin1" : "utf8");
}

/** The UTF-8 byte length of `s`, or -1 when UTF-8 cannot carry it (a lone surrogate). */
function utf8Length(s: string): number {
  if (s.length <= SHORT) {
    let i = 0;
    while (i < s.length && s.charCodeAt(i) < 0x80) i++;
    if (i === s.length) return i;
  }
  const n = Buffer.byteLength(s, "utf8");
  return n !== s.length && LONE_SURROGATE.test(s) ? -1 : n;
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
  out: { common: string; own: string[] },
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
      at += packed.copy(scratch, at);
    }
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
    const parts = { common: "", own: [] as string[] };
    if (writeAddCandidates(op, seq, parts)) {
      const body = at - HEADER;
      room(TRAILER);
      scratch[0] = RECORD_MARK;
      scratch.writeUInt32LE(body, 1);
      scratch.writeUInt32LE(~body >>> 0, 5);
      scratch.writeUInt32LE(crc32(scratch.subarray(0, at)), at);
      scratch[at + 4] = 0x0a;
      // Written from the scratch buffer, not kept: a copy per record into memory kept until the next snapshot
      // cost more than the rest of the append (fresh pages: ~1.4 page faults a decision, ~25 µs here). The
      // snapshot encoder packs the nodes' lists again when it needs them (no packed bytes in `journaled`).
      return {
        bytes: scratch.subarray(0, at + TRAILER),
        owned: false,
        journaled: { common: parts.common, own: parts.own },
        nodes: null,
      };
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
