// Reads an NDJSON file line by line, keeping byte offsets, and tells a torn last line (a crash mid-append) from a bad one.
import { IoError } from "./io-error.js";

export interface NdjsonLine {
  /** 1-based line number in the file. */
  line: number;
  value: unknown;
}

export interface NdjsonRead {
  lines: NdjsonLine[];
  /** Byte length of the whole, newline-terminated lines: truncating to it drops a torn tail. */
  goodLength: number;
  /** Set when the file ends in a partial line (no trailing newline): it is not part of the file's truth. */
  torn: { line: number; bytes: number } | null;
}

const NEWLINE = 0x0a;

/**
 * Split `buf` into lines and JSON-parse each. The last line is torn when it lacks a trailing newline:
 * every append writes the line and its newline in one write, so such a line was never acknowledged.
 * A line that fails to parse anywhere else is an error naming the file and line.
 */
export function readNdjson(buf: Buffer, file: string, from = 0): NdjsonRead {
  const lines: NdjsonLine[] = [];
  let start = from;
  let lineNo = from === 0 ? 0 : countLines(buf, from);
  while (start < buf.length) {
    lineNo++;
    const end = buf.indexOf(NEWLINE, start);
    if (end < 0) return { lines, goodLength: start, torn: { line: lineNo, bytes: buf.length - start } };
    if (end > start) {
      const text = buf.toString("utf8", start, end);
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        throw new IoError("malformed_json", `line ${lineNo} is not valid JSON (${(error as Error).message})`, {
          file,
          line: lineNo,
          field: "(whole line)",
          expected: "one JSON object per line",
        });
      }
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new IoError("invalid_field", `line ${lineNo} is not a JSON object`, {
          file,
          line: lineNo,
          field: "(whole line)",
          expected: "one JSON object per line",
        });
      }
      lines.push({ line: lineNo, value });
    }
    start = end + 1;
  }
  return { lines, goodLength: buf.length, torn: null };
}

/** Number of newlines in buf[0, end): the line count of a whole-line prefix. */
export function countLines(buf: Buffer, end: number): number {
  let n = 0;
  let at = buf.indexOf(NEWLINE, 0);
  while (at >= 0 && at < end) {
    n++;
    at = buf.indexOf(NEWLINE, at + 1);
  }
  return n;
}
