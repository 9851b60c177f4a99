// A frame's records (lines) decoded one string at a time, never the frame as one string.
import { isAscii } from "node:buffer";
import { IoError } from "./io-error.js";

/**
 * The records (lines) of a nodes or decisions frame's bytes, each decoded into a string of its own as it is
 * asked for. Why: the frame as one string (~270 KB for 1,024 realistic nodes) is a large object the collector
 * gives pages of their own, fresh from the system each time; at a million nodes turning frames into strings
 * that way took 4.6 CPU-s against 2.0 line by line (with JSON.parse of every line in both), and line-sized
 * strings die young where they were made. A line break is one byte in UTF-8, never part of another character.
 */
export class PayloadLines {
  private at = 0;
  private readonly encoding: "latin1" | "utf8";
  /** Characters handed out so far, line breaks included (the text's length once every line is out). */
  chars = 0;

  constructor(private readonly bytes: Buffer) {
    // latin1 gives the same strings as UTF-8 for ASCII bytes, faster.
    this.encoding = isAscii(bytes) ? "latin1" : "utf8";
  }

  /** The next record's text, or undefined after the last. */
  next(): string | undefined {
    const bytes = this.bytes;
    const start = this.at;
    if (start >= bytes.length) return undefined;
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    this.at = end + 1;
    const line = bytes.toString(this.encoding, start, end);
    this.chars += line.length + (end < bytes.length ? 1 : 0);
    return line;
  }
}

/** JSON.parse of a frame's line (or payload), throwing IoError naming the file and `where` when it is not JSON. */
export function parseJsonValue(text: string, file: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new IoError("malformed_json", `${where} is not valid JSON (${(error as Error).message})`, {
      file,
      field: where,
    });
  }
}
