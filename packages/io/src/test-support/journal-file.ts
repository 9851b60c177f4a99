// For tests: a journal's records as sealed JSON lines (binary records turned into the lines they stand for), and binary records taken apart and sealed again.
import { readFileSync } from "node:fs";
import { crc32 } from "node:zlib";
import { checkRecordFrame, decodeRecord, RECORD_MARK } from "../journal-record.js";
import { sealJson } from "../line-seal.js";

/** Byte ranges of the journal's records (binary records and JSON lines), each without its newline. */
export function journalRecords(buf: Buffer): { start: number; end: number; binary: boolean }[] {
  const out: { start: number; end: number; binary: boolean }[] = [];
  for (let at = 0; at < buf.length; ) {
    if (buf[at] === RECORD_MARK) {
      const frame = checkRecordFrame(buf, at, buf.length);
      if (frame.kind !== "whole") throw new Error(`the journal's record at byte ${at} is not whole (${frame.kind})`);
      out.push({ start: at, end: at + frame.size - 1, binary: true });
      at += frame.size;
      continue;
    }
    const nl = buf.indexOf(0x0a, at);
    const end = nl < 0 ? buf.length : nl;
    out.push({ start: at, end, binary: false });
    at = end + 1;
  }
  return out;
}

/** The journal at `file` as sealed JSON lines, the current version's: what a test edits as text and writes back (readers take both forms). */
export function journalAsJsonLines(file: string): string[] {
  const buf = readFileSync(file);
  return journalRecords(buf).map(({ start, end, binary }) => {
    if (!binary) return buf.toString("utf8", start, end);
    // Tokens come back as TokenLists, which serialise as plain tokens: a valid line of any version from 3.
    return sealJson(JSON.stringify(decodeRecord(buf, start, end + 1 - start, file, 0, true)));
  });
}

/** A copy of a binary record (newline included) with its checksum made to hold again after `edit` changed its body. */
export function resealRecord(record: Buffer): Buffer {
  const out = Buffer.from(record);
  const sealed = out.length - 5;
  out.writeUInt32LE(crc32(out.subarray(0, sealed)), sealed);
  return out;
}
