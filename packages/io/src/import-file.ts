// Imports one file of any supported loom tool: detects the format (or takes the one named), converts, and says which it was.
import { readFile } from "node:fs/promises";
import { basename, extname } from "node:path";
import type { Loom } from "@loom/core";
import { parseJsonExport } from "./export-json-read.js";
import { convertExoloom } from "./exoloom-import.js";
import type { CheckSite } from "./foreign-check.js";
import { describeImportChecks, detectImportFormat, type ImportFormat, toolOf } from "./import-detect.js";
import { IoError } from "./io-error.js";
import { convertLoomsidian } from "./loomsidian-import.js";
import { convertMiniloom } from "./miniloom-import.js";
import { parseJsonText } from "./parse-json.js";
import { convertPyloom } from "./pyloom-import.js";
import { convertTapestry, TAPESTRY_BINARY_MAGIC } from "./tapestry-import.js";

/** One loom read from a file (a Loomsidian data.json gives one per note). */
export interface ImportedLoom {
  format: ImportFormat;
  loom: Loom;
  warnings: string[];
  /** Loomsidian: the note the tree belongs to. */
  note?: string;
}

export interface ImportFileOptions {
  /** Skip detection: read the file as this format (a mismatch is refused, naming the field). */
  format?: ImportFormat;
  /** Loomsidian: import only this note (its path in the vault); default all. */
  note?: string;
  /** The session id to give the loom (one-loom formats only). */
  sessionId?: string;
  /** Times for what the file does not date (ISO); default now. */
  now?: string;
}

const EXPECTED = "a JSON file written by one of the loom tools Loom reads";

/** Import the text of `file` (already read); nothing is written. */
export function importText(text: string, file: string, options: ImportFileOptions = {}): ImportedLoom[] {
  if (text.startsWith(TAPESTRY_BINARY_MAGIC))
    throw new IoError("bad_import", "is a binary Tapestry Loom weave (.tapestry), which Loom cannot read directly", {
      file,
      field: "(header)",
      expected:
        "its JSON form: run Tapestry Loom's migration-assistant with --output-debug-json on it, then import the .json",
    });
  const value = parseJsonText(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, file, EXPECTED);
  const format = options.format ?? detectImportFormat(value);
  if (format === null)
    throw new IoError(
      "bad_import",
      `is not a file of any loom tool Loom reads. Checked for:\n${describeImportChecks()}\n`,
      {
        file,
        field: "(top level)",
        expected: "one of the formats above (name one with --format to see what does not fit)",
      },
    );
  const site: CheckSite = { file, tool: toolOf(format) };
  const now = options.now ?? new Date().toISOString();
  const title = basename(file, extname(file));
  const one = (r: { loom: Loom; warnings: string[] }): ImportedLoom[] => [{ format, ...r }];
  const common = { now, title, ...(options.sessionId ? { sessionId: options.sessionId } : {}) };
  switch (format) {
    case "loom-export": {
      const { loom } = parseJsonExport(value, file);
      return one({ loom: options.sessionId ? { ...loom, sessionId: options.sessionId } : loom, warnings: [] });
    }
    case "pyloom":
      return one(convertPyloom(value, site, common));
    case "loomsidian":
      return convertLoomsidian(value, site, { now, ...(options.note !== undefined ? { note: options.note } : {}) }).map(
        (r) => ({ format, ...r }),
      );
    case "miniloom":
      return one(convertMiniloom(value, site, common));
    case "tapestry":
      return one(convertTapestry(text, site, common));
    case "exoloom":
      return one(convertExoloom(value, site, common));
  }
}

/** Read and import `file` (see importText). */
export async function readImportFile(file: string, options: ImportFileOptions = {}): Promise<ImportedLoom[]> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw IoError.fromSystem(error, file, "read the file to import");
  }
  return importText(bytes.toString("utf8"), file, options);
}
