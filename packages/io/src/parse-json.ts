// JSON.parse for the files Loom reads, with a syntax error turned into an IoError naming the file (zod-free: read paths use it).
import { IoError } from "./io-error.js";

/** The value of `text`, or an IoError naming `file` and what it should have been. */
export function parseJsonText(text: string, file: string, expected: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new IoError("malformed_json", `not valid JSON (${(error as Error).message})`, {
      file,
      field: "(whole file)",
      expected,
    });
  }
}
