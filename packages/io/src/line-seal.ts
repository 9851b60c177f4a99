// Seals one JSON line with a CRC-32 of its bytes, and checks a sealed line before it is parsed, so a flipped byte is caught.
import { crc32 } from "node:zlib";

/** `,"crc":"` + 8 hex digits + `"}`: what sealing adds in place of the object's closing brace. */
const SEAL_LENGTH = 18;
const SEAL_OPEN = ',"crc":"';

const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, "0");

/**
 * `json` (one JSON object's text) with a last key `crc` holding the CRC-32 of everything before that key.
 * The seal is a JSON key so the line stays one JSON object that any tool can read; the checksum covers
 * the exact bytes written, checked before parsing, so damage is found even where the JSON would still parse.
 */
export function sealJson(json: string): string {
  const body = json.slice(0, -1);
  return `${body}${SEAL_OPEN}${hex8(crc32(body))}"}`;
}

/** Seal a line body that is still open (`{"a":1` without its closing brace): saves a copy of large lines. */
export function sealOpenBody(body: string): string {
  return `${body}${SEAL_OPEN}${hex8(crc32(body))}"}`;
}

/** Bytes reused by every sealPieces call (grown when a line needs more): the line is written at once, never kept. */
let lineScratch = Buffer.allocUnsafe(64 * 1024);

/**
 * The sealed line (newline included) whose open body is `head`, then `records` separated by commas, then
 * `tail`, as bytes in a buffer that the next call reuses: write it at once, or copy it. Sealing bytes
 * rather than a string spares converting the line to UTF-8 twice (for the checksum and for the write).
 */
export function sealPieces(head: string, records: readonly Uint8Array[] | null, tail: string): Buffer {
  let size = Buffer.byteLength(head, "utf8") + Buffer.byteLength(tail, "utf8") + SEAL_LENGTH + 1;
  if (records) for (let i = 0; i < records.length; i++) size += records[i]!.length + 1;
  if (lineScratch.length < size) lineScratch = Buffer.allocUnsafe(Math.max(size, lineScratch.length * 2));
  const buf = lineScratch;
  let at = buf.write(head, 0, "utf8");
  if (records) {
    for (let i = 0; i < records.length; i++) {
      if (i > 0) buf[at++] = 0x2c;
      buf.set(records[i]!, at);
      at += records[i]!.length;
    }
  }
  at += buf.write(tail, at, "utf8");
  const crc = hex8(crc32(buf.subarray(0, at)));
  at += buf.write(`${SEAL_OPEN}${crc}"}\n`, at, "latin1");
  return buf.subarray(0, at);
}

export type SealCheck = "sealed" | "unsealed" | "damaged";

function isHex(buf: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = buf[i]!;
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

const OPEN_BYTES = Buffer.from(SEAL_OPEN, "latin1");

/** Check buf[start, end) (one line, without its newline): sealed and intact, not sealed at all, or sealed and damaged. */
export function checkSeal(buf: Buffer, start: number, end: number): SealCheck {
  if (end - start < SEAL_LENGTH + 1) return "unsealed";
  const at = end - SEAL_LENGTH;
  if (
    buf[end - 1] !== 0x7d ||
    buf[end - 2] !== 0x22 ||
    buf.compare(OPEN_BYTES, 0, OPEN_BYTES.length, at, at + OPEN_BYTES.length) !== 0
  )
    return "unsealed";
  if (!isHex(buf, end - 10, end - 2)) return "damaged";
  const expected = Number.parseInt(buf.toString("latin1", end - 10, end - 2), 16);
  return crc32(buf.subarray(start, at)) === expected ? "sealed" : "damaged";
}
