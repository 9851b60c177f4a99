// The user's small TOML files (presets, prices): read when present, parsed with errors naming the file and line.
import { readFile } from "node:fs/promises";
import { parse as parseToml, TomlError } from "smol-toml";
import { IoError } from "./io-error.js";

/** The top-level table of a TOML text; IoError naming the file and line, and what the file should hold. */
export function parseTomlTable(text: string, file: string, expected: string): Record<string, unknown> {
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError)
      throw new IoError("invalid_field", `not valid TOML: ${error.message.split("\n")[0]}`, {
        file,
        line: error.line,
        expected,
      });
    throw error;
  }
}

/** A config file's text, or null when it does not exist. */
export async function readOptionalFile(file: string, what: string): Promise<string | null> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw IoError.fromSystem(error, file, what);
  }
}
