// Reads Loom's JSON export back — version 2, both variants of version 1, or a bare Loom JSON — validated, with
// any problem named by file and field; and the export's published JSON Schema, generated from the same zod schema.
import { readFile } from "node:fs/promises";
import { findInvariantViolations, LoomSchema, type Loom } from "@loom/core";
import { z } from "zod";
import { JSON_EXPORT_FORMAT, JSON_EXPORT_VERSION } from "./export-json.js";
import { IoError } from "./io-error.js";
import { parseJsonText } from "./parse-json.js";
import { parseOrThrow } from "./zod-issue.js";

/** The export document as this build writes it (version 2). */
export const JsonExportSchema = z
  .object({
    format: z.literal(JSON_EXPORT_FORMAT),
    version: z.literal(JSON_EXPORT_VERSION),
    exportedAt: z.string().describe("When the export was written (ISO 8601)."),
    text: z.string().describe("The current path's text: the piece as it stands."),
    loom: LoomSchema.describe("The whole tree: every node and decision, the paths, the brief, the settings."),
    fullText: z
      .record(z.string(), z.string())
      .optional()
      .describe("With --full-text: each node's text from the root, by node id."),
  })
  .describe("A Loom session exported as one JSON document (`loom export --format json`, the server's JSON download).");

/** The JSON Schema (draft 2020-12) of the export, for tools outside Loom; shipped as `@loom/io/loom-export.schema.json`. */
export function jsonExportJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(JsonExportSchema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
}

const EXPECTED = 'a file from `loom export --format json` ({"format": "loom-export", "version": 2, …}) or a Loom JSON';

/** The loom in an export document (or a bare loom), whichever version wrote it; IoError naming `file` and the field. */
export function parseJsonExport(
  value: unknown,
  file: string,
): { loom: Loom; format: "loom-export" | "loom-json"; version: number } {
  const doc = (typeof value === "object" && value !== null && !Array.isArray(value) ? value : null) as Record<
    string,
    unknown
  > | null;
  if (doc?.["format"] === JSON_EXPORT_FORMAT) {
    const version = doc["version"];
    if (typeof version !== "number" || !Number.isInteger(version) || version < 1)
      throw new IoError("invalid_field", "is not a version number", { file, field: "version", expected: EXPECTED });
    if (version > JSON_EXPORT_VERSION)
      throw new IoError("unsupported_version", `version ${version} was written by a newer Loom`, {
        file,
        field: "version",
        expected: `version ${JSON_EXPORT_VERSION} or older (upgrade loom to read it)`,
      });
    // Version 1's server variant kept `fullText` inside each node: the schema drops it, as it drops any extra key.
    return {
      loom: checked(
        parseOrThrow(LoomSchema, doc["loom"], { file, prefix: "loom" }, "the export's loom"),
        file,
        "loom.",
      ),
      format: "loom-export",
      version,
    };
  }
  if (doc !== null && "sessionId" in doc && "rootId" in doc)
    return {
      loom: checked(parseOrThrow(LoomSchema, doc, { file }, "the loom"), file, ""),
      format: "loom-json",
      version: 0,
    };
  throw new IoError("bad_import", "is not a Loom export", { file, field: "format", expected: EXPECTED });
}

function checked(loom: Loom, file: string, prefix: string): Loom {
  const v = findInvariantViolations(loom)[0];
  if (v)
    throw new IoError("bad_import", `the loom is inconsistent: ${v.message}`, {
      file,
      field: `${prefix}${v.field}`,
      expected: "a tree rooted at rootId whose paths are root paths",
    });
  return loom;
}

/** Reads and checks an export file (see parseJsonExport). */
export async function readJsonExportFile(file: string) {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw IoError.fromSystem(error, file, "read the export");
  }
  const value = parseJsonText(text, file, EXPECTED);
  return parseJsonExport(value, file);
}
