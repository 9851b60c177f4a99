// Binary journal records (journal version 4), the reading side: the frame's check and the decoding of a record into the op it holds. Kept apart from the writer, which needs the node schema: reading commands load no zod.
import { crc32 } from "node:zlib";
import { JOURNAL_VERSION } from "./format-names.js";
import { IoError } from "./io-error.js";
import { unpackTokenBytes } from "./token-codec.js";

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
export const HEADER = 9;
export const TRAILER = 5;
/** A body length beyond this is damage, not a record: no op carries a quarter of a gigabyte. */
export const MAX_BODY = 256 * 1024 * 1024;
export const KIND_ADD_CANDIDATES = 1;
export const HAS_LOGPROB = 1;
export const HAS_TOKENS = 2;
export const HAS_OWN = 4;

export const f64 = new Float64Array(1);
export const f64Bytes = new Uint8Array(f64.buffer);

export function isFlatRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** What the snapshot encoder reuses of a binary record: the candidates' JSON fields and packed tokens (SnapshotEncoder.noteOp). */
export interface JournaledNodes {
  /** The JSON object of the fields every candidate shares (as in the record). */
  common: string;
  /** Its members as UTF-8 bytes, made by the snapshot encoder the first time it needs them. */
  commonBytes?: Buffer;
  /**
   * Per node: the JSON object of its own other fields ("" for none). Not its packed tokens: the session keeps
   * no copy of a record, and the next snapshot packs the node's list again (see journalRecord).
   */
  own: string[];
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
