// Token frames (snapshot version 5): the token lists of one nodes frame in a frame of their own, kept deflated after a read and inflated when a list is first read.
import { isAscii } from "node:buffer";
import { inflateRawSync } from "node:zlib";
import { TokenList, type TokenParts } from "@loom/core";
import type { FrameFile } from "./frame-file.js";
import { IoError } from "./io-error.js";
import type { TextNumbers } from "./text-numbers.js";
import { packedTokenTexts, partsOfLatin1 } from "./token-codec.js";

/*
 * Why: a realistic node's token lists (texts, logprobs, top alternatives) are two thirds of its bytes. Held
 * inside each node record, every open inflated, base64-decoded and checked them although almost no reader
 * looks at them; in a frame of their own they stay as the file stored them until someone reads a list.
 *
 * Payload (the frame itself is not flagged deflated; its sections are deflated one by one, and the frame's
 * CRC-32 covers the whole payload, so damage is caught at open without inflating anything):
 *   u8 layout (1: sections deflated), u32 count, u32 stored bytes of the texts section, u32 inflated bytes
 *   of the texts section, u32 inflated bytes of the lists section, the texts section, the lists section.
 * Each section is `count` entries, each a u32 byte length and its bytes, in the order of the nodes frame's
 * records whose `tokens` is a number (the list's token count). A lists entry is the list's packed bytes
 * (token-codec.ts); a texts entry is varint n, n varints (each token text's UTF-16 length), then the texts
 * joined, in UTF-8: the column a reader of token texts alone (`loom analyze`) inflates instead of the lists.
 */

const HEADER_BYTES = 17;
const LAYOUT_DEFLATED = 1;

/** Entries joined with their u32 lengths. */
function joinEntries(entries: readonly Buffer[]): Buffer {
  let size = 0;
  for (const e of entries) size += 4 + e.length;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const e of entries) {
    out.writeUInt32LE(e.length, at);
    at += 4 + e.copy(out, at + 4);
  }
  return out;
}

function putVarint(out: number[], n: number): void {
  while (n >= 128) {
    out.push(128 | (n % 128));
    n = Math.floor(n / 128);
  }
  out.push(n);
}

/** A texts entry for these token texts. */
export function textsEntry(texts: readonly string[]): Buffer {
  const head: number[] = [];
  putVarint(head, texts.length);
  for (const t of texts) putVarint(head, t.length);
  const joined = texts.join("");
  const out = Buffer.allocUnsafe(head.length + Buffer.byteLength(joined, "utf8"));
  for (let i = 0; i < head.length; i++) out[i] = head[i]!;
  out.write(joined, head.length, "utf8");
  return out;
}

/**
 * The texts entry of a list from its packed bytes (token-codec.ts), read off them without building a string
 * per token; null unless the packed data is ASCII (then every varint is one byte below 128 and each text's
 * UTF-16 length is its byte length), when the caller builds the entry from the texts. Why: at a compaction
 * after a long run, turning each new node's token texts into strings and back into bytes was a third of
 * the snapshot's encoding.
 */
export function textsEntryOfPacked(packed: Uint8Array): Buffer | null {
  const count = packed[0]!;
  if (count >= 128 || packed.length < 2) return null;
  // The data's byte length, a varint of any size.
  let at = 1;
  let dataBytes = 0;
  for (let scale = 1, b = 128; b >= 128; scale *= 128) {
    if (at >= packed.length) return null;
    b = packed[at++]!;
    dataBytes += (b & 127) * scale;
  }
  const dataEnd = at + dataBytes;
  if (dataEnd > packed.length || !isAscii(packed.subarray(at, dataEnd))) return null;
  // First pass: check the layout and add up the texts' lengths; the second copies them. Byte by byte, not
  // through subarray and set: token texts are a few bytes, and a view per text cost more than its copy.
  const first = at;
  let joined = 0;
  for (let i = 0; i < count; i++) {
    if (at + 2 > dataEnd) return null;
    const flags = packed[at++]!;
    joined += packed[at]!;
    at += 1 + packed[at]!;
    if (flags & 4) {
      if (at >= dataEnd) return null;
      for (let n = packed[at++]!; n > 0; n--) {
        if (at >= dataEnd) return null;
        at += 1 + packed[at]!;
      }
    }
    if (at > dataEnd) return null;
  }
  const out = Buffer.allocUnsafe(1 + count + joined);
  out[0] = count;
  let text = 1 + count;
  at = first;
  for (let i = 0; i < count; i++) {
    const flags = packed[at++]!;
    const size = packed[at++]!;
    out[1 + i] = size;
    for (let k = 0; k < size; k++) out[text++] = packed[at++]!;
    if (flags & 4) for (let n = packed[at++]!; n > 0; n--) at += 1 + packed[at]!;
  }
  return out;
}

/** A token frame's two sections before deflating: `count` lists' packed bytes and their texts entries, each joined. */
export interface TokenSections {
  count: number;
  texts: Buffer;
  lists: Buffer;
}

export function tokenSections(lists: readonly Buffer[], texts: readonly Buffer[]): TokenSections {
  return { count: lists.length, texts: joinEntries(texts), lists: joinEntries(lists) };
}

/** The payload of a token frame: its sections as stored (deflated by the caller when `deflated`, off-thread if it likes). */
export function tokenFramePayload(
  raw: TokenSections,
  storedTexts: Buffer,
  storedLists: Buffer,
  deflated: boolean,
): Buffer {
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header[0] = deflated ? LAYOUT_DEFLATED : 0;
  header.writeUInt32LE(raw.count, 1);
  header.writeUInt32LE(storedTexts.length, 5);
  header.writeUInt32LE(raw.texts.length, 9);
  header.writeUInt32LE(raw.lists.length, 13);
  return Buffer.concat([header, storedTexts, storedLists]);
}

/** One section inflated: its entries as a Latin-1 string and where each starts; null when it does not hold `count` entries. */
interface Section {
  text: string;
  starts: Int32Array;
  ends: Int32Array;
  /** Every byte is ASCII (then no entry needs decoding as UTF-8). */
  ascii: boolean;
}

function sectionOf(stored: Buffer, deflated: boolean, size: number, count: number): Section | null {
  let raw: Buffer;
  try {
    raw = deflated ? inflateRawSync(stored, { chunkSize: Math.max(size, 64) }) : stored;
  } catch {
    return null;
  }
  if (raw.length !== size) return null;
  const starts = new Int32Array(count);
  const ends = new Int32Array(count);
  let at = 0;
  for (let k = 0; k < count; k++) {
    if (at + 4 > size) return null;
    const len = raw.readUInt32LE(at);
    starts[k] = at + 4;
    at += 4 + len;
    if (at > size) return null;
    ends[k] = at;
  }
  return at === size ? { text: raw.toString("latin1"), starts, ends, ascii: isAscii(raw) } : null;
}

/** Entry `k` of a texts section: `length` token texts, or undefined when the entry does not hold that many. */
function entryTexts(s: Section, k: number, length: number): string[] | undefined {
  const text = s.text;
  let at = s.starts[k]!;
  const end = s.ends[k]!;
  // n, then n sizes, each a varint (read inline: a closure made per entry cost as much as the reading).
  let n = -1;
  const sizes: number[] = [];
  while (n < 0 || sizes.length < n) {
    let v = 0;
    for (let scale = 1, b = 128; b >= 128 && at < end; scale *= 128) {
      b = text.charCodeAt(at++);
      v += (b & 127) * scale;
    }
    if (n >= 0) sizes.push(v);
    else if (v !== length) return undefined;
    else n = v;
  }
  let joined = text.slice(at, end);
  // Latin-1 characters are the UTF-8 bytes: beyond ASCII, decode them as UTF-8 so lengths count UTF-16 units.
  if (!/^[\x00-\x7f]*$/.test(joined)) joined = Buffer.from(joined, "latin1").toString("utf8");
  const out: string[] = new Array(n);
  let from = 0;
  for (let i = 0; i < n; i++) {
    out[i] = joined.slice(from, from + sizes[i]!);
    from += sizes[i]!;
  }
  return from === joined.length ? out : undefined;
}

/**
 * Entry `k` of a texts section as `length` numbers from `numbers` (one per token text), or undefined when the
 * entry does not hold that many. The texts are the ones entryTexts gives; an ASCII entry is numbered in place.
 */
function entryNumbers(s: Section, k: number, length: number, numbers: TextNumbers): number[] | undefined {
  let text = s.text;
  let at = s.starts[k]!;
  const end = s.ends[k]!;
  // A plain array: a typed array of more than 16 numbers keeps its backing store outside the heap.
  const out: number[] = [];
  // n, then n sizes, each a varint, as in entryTexts; the sizes kept in `out` until the texts are numbered.
  let n = -1;
  let got = 0;
  let joined = 0;
  while (n < 0 || got < n) {
    let v = 0;
    for (let scale = 1, b = 128; b >= 128 && at < end; scale *= 128) {
      b = text.charCodeAt(at++);
      v += (b & 127) * scale;
    }
    if (n >= 0) {
      out.push(v);
      got++;
      joined += v;
    } else if (v !== length) return undefined;
    else n = v;
  }
  let from = at;
  let to = end;
  // One native check of the whole section spares a pass over each entry of an ASCII one (the usual case).
  if (!s.ascii)
    for (let i = at; i < end; i++)
      if (text.charCodeAt(i) > 0x7f) {
        // Latin-1 characters are the UTF-8 bytes: beyond ASCII, decode them as UTF-8 so lengths count UTF-16 units.
        text = Buffer.from(text.slice(at, end), "latin1").toString("utf8");
        from = 0;
        to = text.length;
        break;
      }
  if (joined !== to - from) return undefined;
  for (let i = 0; i < n; i++) {
    const size = out[i]!;
    out[i] = numbers.numberOfRange(text, from, from + size);
    from += size;
  }
  return out;
}

/**
 * The token texts of every list in a token frame, each as its number in `numbers`, from the frame's texts
 * column alone (the lists section is never inflated), for the nodes frame's records whose token counts are
 * `lengths`, in order; null when the frame's header or column does not fit them (the caller then reads the
 * lists through DeferredTokens). The payload is only read during the call, so it may lie in a buffer the frame
 * reader reuses.
 */
export function tokenFrameNumbers(
  payload: Buffer,
  lengths: readonly number[],
  numbers: TextNumbers,
): number[][] | null {
  if (payload.length < HEADER_BYTES || payload[0]! > LAYOUT_DEFLATED) return null;
  const count = payload.readUInt32LE(1);
  const stored = payload.readUInt32LE(5);
  if (count !== lengths.length || HEADER_BYTES + stored > payload.length) return null;
  const section = sectionOf(
    payload.subarray(HEADER_BYTES, HEADER_BYTES + stored),
    payload[0] === LAYOUT_DEFLATED,
    payload.readUInt32LE(9),
    count,
  );
  if (section === null) return null;
  const out: number[][] = new Array(count);
  for (let k = 0; k < count; k++) {
    const texts = entryNumbers(section, k, lengths[k]!, numbers);
    if (texts === undefined) return null;
    out[k] = texts;
  }
  return out;
}

/**
 * A nodes frame's token lists as the file stored them: lists made lazily over it (`listAt`) are read from
 * it on first access, which inflates its lists section once for them all. Made before its frame is read
 * (the nodes frame comes first), filled when it is.
 */
export class DeferredTokens {
  private stored: Buffer | null = null;
  /** Where the frame lies in a file held open (FrameFile), until a list is first read: then it is read from there. */
  private inFile: { file: FrameFile; offset: number; length: number } | null = null;
  private count = 0;
  private lists: Section | null | undefined = undefined;
  private texts: Section | null | undefined = undefined;
  /** Token counts the nodes frame's records gave, in order. */
  readonly lengths: number[] = [];

  /** A lazy list of `length` tokens, the next entry of this frame. */
  listAt(length: number): TokenList {
    this.lengths.push(length);
    return TokenList.lazy(length, this, partsOfDeferred, this.lengths.length - 1);
  }

  /**
   * Keep the token frame's payload (copied: the reader reuses its buffer), or with `from` (the file held open
   * and the frame's offset in it) only where it lies, to read it when a list is first read; throws IoError
   * when its header does not fit the records.
   */
  fill(payload: Buffer, file: string, where: string, from?: { file: FrameFile; offset: number }): void {
    const bad = (what: string) => new IoError("damaged", `${where} ${what}`, { file, field: where });
    if (payload.length < HEADER_BYTES || payload[0]! > LAYOUT_DEFLATED) throw bad("has an impossible header");
    const count = payload.readUInt32LE(1);
    if (count !== this.lengths.length)
      throw bad(`holds ${count} token lists; the nodes frame before it has ${this.lengths.length} records with tokens`);
    if (HEADER_BYTES + payload.readUInt32LE(5) > payload.length) throw bad("is shorter than its texts section");
    if (from) this.inFile = { ...from, length: payload.length };
    else this.stored = Buffer.from(payload);
    this.count = count;
  }

  get filled(): boolean {
    return this.stored !== null || this.inFile !== null;
  }

  /** The payload, read from the file the first time when it was left there (null when it no longer reads as the frame the open checked). */
  private payload(): Buffer | null {
    const inFile = this.inFile;
    if (inFile !== null) {
      this.inFile = null;
      const read = inFile.file.tokenPayload(inFile.offset, inFile.length);
      // The same bytes as at the open (same file, length and CRC-32), so the header checked then still holds.
      this.stored = read !== null && read.readUInt32LE(1) === this.count ? read : null;
    }
    return this.stored;
  }

  private section(which: "lists" | "texts"): Section | null {
    const stored = this.payload();
    if (stored === null) return null;
    const textsStored = stored.readUInt32LE(5);
    const deflated = stored[0] === LAYOUT_DEFLATED;
    if (which === "texts") {
      if (this.texts === undefined)
        this.texts = sectionOf(
          stored.subarray(HEADER_BYTES, HEADER_BYTES + textsStored),
          deflated,
          stored.readUInt32LE(9),
          this.count,
        );
      return this.texts;
    }
    if (this.lists === undefined)
      this.lists = sectionOf(
        stored.subarray(HEADER_BYTES + textsStored),
        deflated,
        stored.readUInt32LE(13),
        this.count,
      );
    return this.lists;
  }

  /** The packed bytes of entry `k` (a Latin-1 string), or undefined when the frame does not hold them. */
  listBytes(k: number): string | undefined {
    const s = this.section("lists");
    return s && k < this.count ? s.text.slice(s.starts[k], s.ends[k]) : undefined;
  }

  /** The token texts of entry `k` from the texts column, or undefined when the frame does not hold them. */
  textsAt(k: number): string[] | undefined {
    const s = this.section("texts");
    return s && k < this.count ? entryTexts(s, k, this.lengths[k]!) : undefined;
  }

  /** Whether every list holds together (fsck): the index of the first that does not, or -1. */
  firstDamaged(): number {
    for (let k = 0; k < this.count; k++) {
      const parts = partsOfDeferred(this, k);
      if (parts === null || TokenList.fromPacked(this.lengths[k]!, parts.data, parts.nums) === null) return k;
      const texts = this.textsAt(k);
      if (texts === undefined) return k;
    }
    return -1;
  }
}

function partsOfDeferred(source: DeferredTokens, k: number): TokenParts | null {
  const bytes = source.listBytes(k);
  return bytes === undefined ? null : partsOfLatin1(bytes);
}

/** The stored packed bytes of a list read lazily from a token frame and not read since (a Latin-1 string); else undefined. */
export function deferredBytes(list: TokenList): string | undefined {
  const lazy = list.lazySource(partsOfDeferred);
  return lazy?.source.listBytes(lazy.at);
}

/**
 * A list's token texts, building neither its alternatives nor its numbers when it was read lazily and not
 * read since: from a token frame's texts column (which leaves the lists section deflated), or off a
 * version-3/4 list's packed bytes. Why: a reader of token texts alone (`loom analyze`) spent most of its time
 * inflating and decoding alternatives and logprobs it dropped.
 */
export function tokenTexts(list: TokenList): string[] {
  const lazy = list.lazySource(partsOfDeferred);
  if (lazy) return lazy.source.textsAt(lazy.at) ?? list.texts();
  return packedTokenTexts(list);
}

/** Format version from which a node record's `tokens` may be a token count, its list in the token frame after the record's frame. */
export const TOKEN_FRAMES_FROM = 5;

/**
 * Turn a node record's `tokens` count into a lazy list over `deferred` (the token frame after the record's
 * frame) in place. Throws IoError naming `where` for a count that is not a whole number or a version
 * without token frames. Records whose tokens are anything else are left for revivePackedTokens.
 */
export function reviveDeferredTokens(
  record: Record<string, unknown>,
  version: unknown,
  deferred: DeferredTokens,
  where: string,
  file: string,
): void {
  const count = deferredTokenCount(record, version, where, file);
  if (count !== null) record["tokens"] = deferred.listAt(count);
}

/**
 * A node record's token count when its list is in the token frame after the record's frame, else null (its
 * tokens are anything else, or none). Throws IoError as reviveDeferredTokens does.
 */
export function deferredTokenCount(
  record: Record<string, unknown>,
  version: unknown,
  where: string,
  file: string,
): number | null {
  const count = record["tokens"];
  if (typeof count !== "number") return null;
  if (!Number.isInteger(count) || count < 0 || typeof version !== "number" || version < TOKEN_FRAMES_FROM) {
    throw new IoError("invalid_field", `${where} has tokens that are neither a list nor a token count`, {
      file,
      field: `${where}.tokens`,
      expected:
        typeof version === "number" && version >= TOKEN_FRAMES_FROM
          ? "a whole token count (its list in the next token frame)"
          : `a token array or packed tokens (format version ${String(version)} has no token frames)`,
    });
  }
  return count;
}

/** The error for a nodes frame with token counts whose token frame does not follow it (lost to damage, or cut off). */
export function missingTokenFrame(file: string, nodesFrame: number, why = "no token frame follows it"): IoError {
  return new IoError("damaged", `the token lists of frame ${nodesFrame} (nodes) are missing: ${why}`, {
    file,
    field: `frame ${nodesFrame}`,
  });
}

/** The error for a token frame that follows no nodes frame with token counts. */
export function strayTokenFrame(file: string, frame: number): IoError {
  return new IoError("damaged", `frame ${frame} (tokens) follows no nodes frame with token counts`, {
    file,
    field: `frame ${frame}`,
  });
}
