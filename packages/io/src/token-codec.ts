// A node's tokens on disk (format version 3): the TokenList's packed parts as bytes, base64 in one JSON string, instead of one JSON object per token and alternative.
import { isAscii } from "node:buffer";
import { endianness } from "node:os";
import { TokenList, type TokenParts } from "@loom/core";
import { IoError } from "./io-error.js";

/*
 * Why: opening a large session was mostly JSON.parse building (and the collector then freeing) the token
 * objects of every node — 36 objects, 36 strings and 42 numbers parsed from decimal text for a realistic
 * node (6 tokens with top-5) — only for them to be packed into a TokenList at once. Written as the packed
 * parts themselves, a node's tokens are one string that JSON.parse copies and one native base64 decode.
 *
 * Bytes: varint token count, varint byte length of `data` (UTF-8), `data`, then each number of `nums`
 * as a little-endian float64 (exact: every double, -0 included, comes back bit for bit). Varints are
 * 7 bits per byte, low bits first. A list whose texts are not well-formed UTF-16 (a lone surrogate, which
 * UTF-8 cannot carry) is written as plain tokens instead: JSON keeps it exactly.
 */

/** Matches a lone surrogate (paired ones form one code point under the u flag). */
const LONE_SURROGATE = /\p{Surrogate}/u;

/** Bytes reused by every packTokens call (grown when a list needs more): a fresh buffer per node was most of a commit's encoding. */
let scratch = Buffer.allocUnsafe(64 * 1024);

function putVarint(buf: Buffer, at: number, n: number): number {
  while (n >= 128) {
    buf[at++] = 128 | (n % 128);
    n = Math.floor(n / 128);
  }
  buf[at++] = n;
  return at;
}

/** A list's numbers as float64s (grown when a list needs more), and the same memory as bytes. */
let numsScratch = new Float64Array(1024);
/** The layout is little-endian; a float64 array holds the machine's order, which is that on every platform Node runs on but is checked. */
const LITTLE_ENDIAN = endianness() === "LE";
let numsBytes = Buffer.from(numsScratch.buffer);

/** The packed bytes of `list` in the shared scratch buffer (valid until the next call), or -1 when its texts cannot be carried as UTF-8. */
function packInto(list: TokenList): number {
  const { length, data, nums } = list.packed();
  const dataBytes = Buffer.byteLength(data, "utf8");
  // Only a string with characters beyond ASCII can hold a lone surrogate.
  if (dataBytes !== data.length && LONE_SURROGATE.test(data)) return -1;
  const size = 10 + dataBytes + nums.length * 8;
  if (scratch.length < size) scratch = Buffer.allocUnsafe(Math.max(size, scratch.length * 2));
  const buf = scratch;
  let at = putVarint(buf, 0, length);
  at = putVarint(buf, at, dataBytes);
  at += buf.write(data, at, dataBytes === data.length ? "latin1" : "utf8");
  // Every number at once: into a float64 array, then its bytes in one copy (a byte at a time was most of a commit's packing).
  if (nums.length > numsScratch.length) {
    numsScratch = new Float64Array(Math.max(nums.length, numsScratch.length * 2));
    numsBytes = Buffer.from(numsScratch.buffer);
  }
  if (!LITTLE_ENDIAN) {
    for (let i = 0; i < nums.length; i++) at = buf.writeDoubleLE(nums[i]!, at);
    return at;
  }
  numsScratch.set(nums);
  return at + numsBytes.copy(buf, at, 0, nums.length * 8);
}

/** An unread list's bytes (a Latin-1 string) copied into the shared scratch buffer; returns their length. */
function copyIntoScratch(bytes: string): number {
  if (scratch.length < bytes.length) scratch = Buffer.allocUnsafe(Math.max(bytes.length, scratch.length * 2));
  return scratch.write(bytes, 0, "latin1");
}

/** The bytes of a list read lazily and not read since (as a Latin-1 string): exactly what packing it would give. */
function unreadBytes(list: TokenList): string | undefined {
  const lazy = list.lazySource(partsOfShared);
  return lazy && bytesAt(lazy.source, lazy.at);
}

/**
 * The packed bytes of `list` (a copy), or null when its texts cannot be carried as UTF-8: what a version-5
 * snapshot's token frame holds per list (token-frames.ts), without the base64 step.
 */
export function packedBytes(list: TokenList): Buffer | null {
  const same = unreadBytes(list);
  if (same !== undefined) return Buffer.from(same, "latin1");
  const n = packInto(list);
  return n < 0 ? null : Buffer.from(scratch.subarray(0, n));
}

/**
 * The packed bytes of `list` in a buffer the next packing call reuses (copy them before packing another
 * list), or null when its texts cannot be carried as UTF-8: what a binary journal record holds per node.
 */
export function packedView(list: TokenList): Buffer | null {
  const same = unreadBytes(list);
  const n = same === undefined ? packInto(list) : copyIntoScratch(same);
  return n < 0 ? null : scratch.subarray(0, n);
}

/** The base64 text of `list`'s packed form, or null when its texts cannot be carried as UTF-8 (write plain tokens then). */
export function packTokens(list: TokenList): string | null {
  const same = unreadBytes(list);
  if (same !== undefined) return Buffer.from(same, "latin1").toString("base64");
  const n = packInto(list);
  return n < 0 ? null : scratch.toString("base64", 0, n);
}

const TOKENS_KEY = '"tokens":"';

/**
 * A record's bytes: `head` (its JSON text without the closing brace, or "{" alone), then `"tokens":` and
 * `list` packed in base64, then the brace. Null when the list cannot be packed (the caller writes plain
 * tokens). Built as bytes because the journal checksums and writes them and snapshots deflate them: as a
 * string it was converted to UTF-8 for each of those, and joined into frame-sized strings first.
 */
export function recordWithPackedTokens(head: string, list: TokenList): Buffer | null {
  // A list read lazily from a file and never read since: its bytes as read are exactly what packing would give.
  const same = unreadBytes(list);
  const n = same === undefined ? packInto(list) : copyIntoScratch(same);
  if (n < 0) return null;
  const base64 = scratch.toString("base64", 0, n);
  const headBytes = Buffer.byteLength(head, "utf8");
  const comma = head.length > 1 ? 1 : 0;
  const out = Buffer.allocUnsafe(headBytes + comma + TOKENS_KEY.length + base64.length + 2);
  let at = out.write(head, 0, headBytes === head.length ? "latin1" : "utf8");
  if (comma) out[at++] = 0x2c;
  at += out.write(TOKENS_KEY, at, "latin1");
  at += out.write(base64, at, "latin1");
  out[at++] = 0x22;
  out[at++] = 0x7d;
  return out;
}

/** Bytes reused by every unpackTokens call. */
let unpackScratch = Buffer.allocUnsafe(64 * 1024);

/** Reads a varint at `pos.at` of the first `end` bytes; -1 past the end or beyond 5 bytes. */
function readVarint(buf: Buffer, pos: { at: number }, end: number): number {
  let v = 0;
  let scale = 1;
  for (let k = 0; k < 5 && pos.at < end; k++) {
    const b = buf[pos.at++]!;
    if (b < 128) return v + b * scale;
    v += (b - 128) * scale;
    scale *= 128;
  }
  return -1;
}

/** Where a packed token string's parts lie once decoded into unpackScratch, or null when they cannot be located. */
interface Located {
  length: number;
  dataStart: number;
  dataEnd: number;
  size: number;
}

/** unpackScratch with room for `size` bytes. */
function scratchFor(size: number): Buffer {
  if (unpackScratch.length < size) unpackScratch = Buffer.allocUnsafe(Math.max(size, unpackScratch.length * 2));
  return unpackScratch;
}

/** Locate the parts of the `size` packed bytes in unpackScratch, or null when their lengths do not add up. */
function locateBytes(size: number): Located | null {
  const buf = unpackScratch;
  const pos = { at: 0 };
  const length = readVarint(buf, pos, size);
  const dataBytes = readVarint(buf, pos, size);
  if (length < 0 || dataBytes < 0 || pos.at + dataBytes > size) return null;
  const dataEnd = pos.at + dataBytes;
  if ((size - dataEnd) % 8 !== 0) return null;
  return { length, dataStart: pos.at, dataEnd, size };
}

/**
 * Decode a packed token string's bytes into unpackScratch and locate its parts, or null when it is not one
 * (bad base64, lengths that do not add up, numbers that are not whole float64s).
 */
function locate(text: string): Located | null {
  let chars = text.length;
  if (text.charCodeAt(chars - 1) === 61) chars--; // "="
  if (text.charCodeAt(chars - 1) === 61) chars--;
  const size = Math.floor((chars * 3) / 4);
  // Decoded into reused bytes (no buffer per node). Characters outside the alphabet are skipped by the
  // decoder, so a string that was not base64 decodes to fewer bytes than its length implies.
  if (scratchFor(size).write(text, 0, "base64") !== size) return null;
  return locateBytes(size);
}

/** The parts located in unpackScratch, as strings and numbers. */
function partsAt({ dataStart, dataEnd, size }: Located, ascii: boolean): TokenParts {
  const buf = unpackScratch;
  // latin1 gives the same string as UTF-8 for ASCII bytes, faster.
  const data = buf.toString(ascii ? "latin1" : "utf8", dataStart, dataEnd);
  const nums: number[] = new Array((size - dataEnd) / 8);
  for (let i = 0, at = dataEnd; at < size; i++, at += 8) nums[i] = buf.readDoubleLE(at);
  return { data, nums };
}

/**
 * Packed bytes that lazily read lists keep until first read, as a Latin-1 string (one character per byte:
 * three quarters of the base64 text's memory). Shared by many lists (every list of one snapshot frame,
 * each at its own position after a 4-byte little-endian length), or held by one list alone (position -1:
 * the whole string). The text is set when the last list is in (LazyTokenBytes.seal); nothing reads a list
 * before then.
 */
interface SharedBytes {
  text: string;
}

/** The bytes of the list at `at` of `shared` (a Latin-1 string), or undefined when they are not there. */
function bytesAt(shared: SharedBytes, at: number): string | undefined {
  const text = shared.text;
  if (at < 0) return text;
  if (at + 4 > text.length) return undefined;
  const size =
    text.charCodeAt(at) +
    text.charCodeAt(at + 1) * 0x100 +
    text.charCodeAt(at + 2) * 0x10000 +
    text.charCodeAt(at + 3) * 0x1000000;
  return at + 4 + size <= text.length ? text.slice(at + 4, at + 4 + size) : undefined;
}

/** The parts of the packed bytes at `at` of `shared`, or null when they do not hold a packed list. */
function partsOfShared(shared: SharedBytes, at: number): TokenParts | null {
  const bytes = bytesAt(shared, at);
  return bytes === undefined ? null : partsOfLatin1(bytes);
}

/** The parts of one list's packed bytes held as a Latin-1 string, or null when they do not hold a packed list. */
export function partsOfLatin1(bytes: string): TokenParts | null {
  const where = locateBytes(scratchFor(bytes.length).write(bytes, 0, "latin1"));
  return where && partsAt(where, isAscii(unpackScratch.subarray(where.dataStart, where.dataEnd)));
}

/**
 * Collects the packed bytes of the lists one reader makes lazily (a snapshot frame's nodes) into one
 * string for them all: a string per node was two thirds of a large loom's heap and as many objects for
 * the collector to copy and mark; one per frame is a single large object it never moves. Each reader has
 * its own (reads of two sessions may interleave); `seal` after each frame, before any list is read.
 */
export class LazyTokenBytes {
  private buf = Buffer.allocUnsafe(64 * 1024);
  private used = 0;
  private shared: SharedBytes = { text: "" };

  /** Add the `size` bytes decoded into unpackScratch; returns the shared bytes and the position they are at. */
  take(size: number): { shared: SharedBytes; at: number } {
    const need = this.used + 4 + size;
    if (need > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
      this.buf.copy(bigger, 0, 0, this.used);
      this.buf = bigger;
    }
    const at = this.used;
    this.buf.writeUInt32LE(size, at);
    unpackScratch.copy(this.buf, at + 4, 0, size);
    this.used = need;
    return { shared: this.shared, at };
  }

  /** Make the string of the bytes taken since the last seal (lists taken later share a new one). */
  seal(): void {
    if (this.used > 0) this.shared.text = this.buf.toString("latin1", 0, this.used);
    this.shared = { text: "" };
    this.used = 0;
  }
}

/**
 * The TokenList of a packed token string, or null when it is not one (bad base64, lengths that do not add
 * up, numbers that are not finite, ids that are not integers): the caller names the record.
 */
export function unpackTokens(text: string): TokenList | null {
  const where = locate(text);
  if (where === null) return null;
  const { data, nums } = partsAt(where, isAscii(unpackScratch.subarray(where.dataStart, where.dataEnd)));
  return TokenList.fromPacked(where.length, data, nums);
}

/** Whether the float64 at `at` is finite, from its exponent bits (all ones means infinite or NaN). */
const finiteAt = (buf: Buffer, at: number) => (buf[at + 7]! & 0x7f) !== 0x7f || (buf[at + 6]! & 0xf0) !== 0xf0;

/**
 * Whether located parts whose data is ASCII hold together, checked on the bytes as TokenList.fromPacked
 * checks decoded parts: in ASCII data every varint is one byte below 128, so the bytes can be walked
 * without building a string or a number array.
 */
function asciiPartsHold({ length, dataStart, dataEnd, size }: Located): boolean {
  const buf = unpackScratch;
  let at = dataStart;
  let num = dataEnd;
  // Written without inner closures: this runs for every node a session opens with.
  for (let i = 0; i < length; i++) {
    if (at >= dataEnd) return false;
    const flags = buf[at++]!;
    if (flags > 15 || (flags & 8 && !(flags & 4)) || at >= dataEnd) return false;
    at += 1 + buf[at]!; // the token's text
    if (at > dataEnd) return false;
    if (flags & 1) {
      if (num + 8 > size || !Number.isSafeInteger(buf.readDoubleLE(num))) return false;
      num += 8;
    }
    if (flags & 2) {
      if (num + 8 > size || !finiteAt(buf, num)) return false;
      num += 8;
    }
    if (flags & 4) {
      if (at >= dataEnd) return false;
      const count = buf[at++]!;
      for (let j = 0; j < count; j++) {
        if (at >= dataEnd) return false;
        at += 1 + buf[at]!; // the alternative's text
        if (at > dataEnd || num + 8 > size || !finiteAt(buf, num)) return false;
        num += 8;
        if (flags & 8) {
          if (num + 8 > size) return false;
          const id = buf.readDoubleLE(num);
          if (!Number.isSafeInteger(id) || id < -1) return false;
          num += 8;
        }
      }
    }
  }
  return at === dataEnd && num === size;
}

/**
 * A TokenList for a packed token string that builds its texts and numbers only when they are first read:
 * opening a session needs every node but rarely their tokens (a realistic node's are most of its bytes).
 * The bytes are checked now, as unpackTokens checks them, so a string that is not a packed list is named
 * at open; the list keeps the bytes (as a Latin-1 string, which a snapshot writer copies back as they are)
 * until it is read. Data with characters beyond ASCII, whose varints cannot be walked byte by byte, is
 * decoded at once.
 */
export function unpackTokensLazy(text: string, into?: LazyTokenBytes): TokenList | null {
  const where = locate(text);
  return where === null ? null : lazyFromScratch(where, into);
}

/**
 * unpackTokensLazy for packed bytes held as bytes (buf[start, end): a binary journal record's), without the
 * base64 step; `eager` decodes and checks the whole list now.
 */
export function unpackTokenBytes(buf: Uint8Array, start: number, end: number, eager = false): TokenList | null {
  const size = end - start;
  scratchFor(size).set(buf.subarray(start, end), 0);
  const where = locateBytes(size);
  if (where === null) return null;
  if (!eager) return lazyFromScratch(where);
  const { data, nums } = partsAt(where, isAscii(unpackScratch.subarray(where.dataStart, where.dataEnd)));
  return TokenList.fromPacked(where.length, data, nums);
}

/** A lazy list over the located packed bytes in unpackScratch (decoded at once when its data is not ASCII). */
function lazyFromScratch(where: Located, into?: LazyTokenBytes): TokenList | null {
  if (!isAscii(unpackScratch.subarray(where.dataStart, where.dataEnd))) {
    const { data, nums } = partsAt(where, false);
    return TokenList.fromPacked(where.length, data, nums);
  }
  if (!asciiPartsHold(where)) return null;
  if (into === undefined)
    return TokenList.lazy(where.length, { text: unpackScratch.toString("latin1", 0, where.size) }, partsOfShared, -1);
  const { shared, at } = into.take(where.size);
  return TokenList.lazy(where.length, shared, partsOfShared, at);
}

/** Format version from which node records may hold packed tokens (snapshots and journal lines alike). */
export const PACKED_TOKENS_FROM = 3;

/**
 * Turn a node record's packed `tokens` (a string) into its TokenList in place, so the schemas see a valid
 * token list. Throws IoError naming `where` when the string is not a packed list, or when the record's
 * format version predates packed tokens.
 */
export function revivePackedTokens(
  node: unknown,
  version: unknown,
  where: string,
  at: { file: string; line?: number },
  /** Decode and check the whole list now (fsck, salvage) rather than when it is first read. */
  eager = false,
  /** Where a lazy list keeps its bytes along with others' (a snapshot frame's), rather than in a string of its own. */
  into?: LazyTokenBytes,
): void {
  if (typeof node !== "object" || node === null) return;
  const record = node as { tokens?: unknown };
  const text = record.tokens;
  if (typeof text !== "string") return;
  const list =
    typeof version === "number" && version >= PACKED_TOKENS_FROM
      ? eager
        ? unpackTokens(text)
        : unpackTokensLazy(text, into)
      : null;
  if (list === null) {
    throw new IoError("invalid_field", `${where} has tokens that are not a packed token list`, {
      ...at,
      field: `${where}.tokens`,
      expected:
        typeof version === "number" && version >= PACKED_TOKENS_FROM
          ? "a token array, or tokens packed as format version 3 writes them"
          : `a token array (format version ${String(version)} has no packed tokens)`,
    });
  }
  record.tokens = list;
}

/** revivePackedTokens for the nodes an op carries (addCandidates, editNode) in a journal line (before migration: its own version decides). */
export function reviveOpTokens(line: Record<string, unknown>, file: string, lineNo: number): void {
  const op = line["op"];
  if (typeof op !== "object" || op === null) return;
  const { nodes, node } = op as { nodes?: unknown; node?: unknown };
  const version = line["version"];
  if (Array.isArray(nodes))
    for (let i = 0; i < nodes.length; i++)
      revivePackedTokens(nodes[i], version, `op.nodes[${i}]`, { file, line: lineNo });
  if (node !== undefined) revivePackedTokens(node, version, "op.node", { file, line: lineNo });
}

/**
 * A list's token texts, without building its alternatives or numbers when it was read lazily and not read
 * since: read off its packed bytes, as `list.texts()` would give them. Why: a reader that keeps only the token
 * texts (`loom analyze`) spent a third of its time decoding the top alternatives and logprobs of every node.
 * Lazily read lists hold ASCII data only (unpackTokensLazy decodes any other at once), so each varint is one
 * byte below 128 and each text is its bytes as they are; the bytes were checked to hold together when read.
 */
export function packedTokenTexts(list: TokenList): string[] {
  const lazy = list.lazySource(partsOfShared);
  const bytes = lazy && bytesAt(lazy.source, lazy.at);
  if (bytes === undefined) return list.texts();
  // The token count, then the data's byte length (the walk below ends within the data): varints of any size.
  let at = 0;
  let length = 0;
  for (let scale = 1, b = 128; b >= 128; scale *= 128) {
    b = bytes.charCodeAt(at++);
    length += (b & 127) * scale;
  }
  while (bytes.charCodeAt(at++) >= 128);
  const out: string[] = new Array(length);
  for (let i = 0; i < length; i++) {
    const flags = bytes.charCodeAt(at++);
    const size = bytes.charCodeAt(at++);
    out[i] = bytes.slice(at, at + size);
    at += size;
    if (flags & 4) for (let count = bytes.charCodeAt(at++); count > 0; count--) at += 1 + bytes.charCodeAt(at);
  }
  return out;
}
