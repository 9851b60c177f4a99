// Reads a file written by `loom export --format json` (or a bare Loom JSON) back into a validated loom.
import { readFile } from "node:fs/promises";
import { findInvariantViolations, LoomSchema, type Loom } from "@loom/core";
import { FailureError } from "../cli/exit-error.js";
import { EXPORT_FORMAT } from "../export/export-json.js";

export async function readExportFile(file: string): Promise<{ loom: Loom; format: string }> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new FailureError(
      `${file}: not a JSON file (${(error as Error).message})`,
      "import a session directory, or a file from `loom export --format json`",
    );
  }
  const doc = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  const isExport = doc.format === EXPORT_FORMAT;
  const parsed = LoomSchema.safeParse(isExport ? doc.loom : doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = [isExport ? "loom" : "", ...issue.path.map(String)].filter(Boolean).join(".");
    throw new FailureError(
      `${file} (field ${field || "(top level)"}): ${issue.message}`,
      "expected a file written by `loom export --format json`",
    );
  }
  const violation = findInvariantViolations(parsed.data)[0];
  if (violation) throw new FailureError(`${file} (field ${violation.field}): ${violation.message}`);
  return { loom: parsed.data, format: isExport ? "loom-export" : "loom-json" };
}
