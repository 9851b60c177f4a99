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
import { convertTapestryBinary, isTapestryBinary } from "./tapestry-binary.js";
import { TAPESTRY_BINARY_MAGIC } from "./tapestry-binary-layout.js";
import { convertTapestry } from "./tapestry-import.js";

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

const isBinaryFormat = (f: ImportFormat | undefined) => f === "tapestry-binary" || f === "tapestry-binary-v1";

const EXPECTED = "a JSON file written by one of the loom tools Loom reads";

const common = (file: string, options: ImportFileOptions) => ({
  now: options.now ?? new Date().toISOString(),
  title: basename(file, extname(file)),
  ...(options.sessionId ? { sessionId: options.sessionId } : {}),
});

/** Import the bytes of `file` (already read): a binary .tapestry weave, or a text file (see importText). */
export function importBytes(bytes: Uint8Array, file: string, options: ImportFileOptions = {}): ImportedLoom[] {
  const binary = isTapestryBinary(bytes);
  if (isBinaryFormat(options.format) || (binary && options.format === undefined)) {
    // Either binary format reads what the header names; the result says which version it was.
    const site: CheckSite = { file, tool: "Tapestry Loom (binary weave)" };
    return [convertTapestryBinary(bytes, site, common(file, options))];
  }
  return importText(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8"), file, options);
}

/** Import the text of `file` (already read); nothing is written. */
export function importText(text: string, file: string, options: ImportFileOptions = {}): ImportedLoom[] {
  if (text.startsWith(TAPESTRY_BINARY_MAGIC) || isBinaryFormat(options.format))
    throw new IoError("bad_import", "is a binary Tapestry Loom weave (.tapestry), read here as text", {
      file,
      field: "(header)",
      expected: "the file's bytes: `loom import` reads them itself; over HTTP send them as base64",
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
  const one = (r: { loom: Loom; warnings: string[] }): ImportedLoom[] => [{ format, ...r }];
  const shared = common(file, options);
  const { now } = shared;
  switch (format) {
    case "loom-export": {
      const { loom } = parseJsonExport(value, file);
      return one({ loom: options.sessionId ? { ...loom, sessionId: options.sessionId } : loom, warnings: [] });
    }
    case "pyloom":
      return one(convertPyloom(value, site, shared));
    case "loomsidian":
      return convertLoomsidian(value, site, { now, ...(options.note !== undefined ? { note: options.note } : {}) }).map(
        (r) => ({ format, ...r }),
      );
    case "miniloom":
      return one(convertMiniloom(value, site, shared));
    case "tapestry":
      return one(convertTapestry(text, site, shared));
    case "exoloom":
      return one(convertExoloom(value, site, shared));
    case "tapestry-binary":
    case "tapestry-binary-v1":
      throw new Error("unreachable: a binary weave is refused above"); // detectImportFormat never names it
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
  return importBytes(bytes, file, options);
}
