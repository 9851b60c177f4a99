// Which format an export has: --format, else the extension of --out; a mismatch between the two is refused.
import { extname } from "node:path";
import { UsageError } from "../cli/exit-error.js";

export type ExportFormat = "md" | "json" | "dot" | "python-reference" | "pyloom" | "loomsidian";

const BY_EXTENSION: Record<string, ExportFormat> = {
  ".md": "md",
  ".markdown": "md",
  ".txt": "md",
  ".json": "json",
  ".dot": "dot",
  ".gv": "dot",
};

export function exportFormat(flag: ExportFormat | undefined, out: string | undefined): ExportFormat {
  const ext = out === undefined ? "" : extname(out).toLowerCase();
  const implied = BY_EXTENSION[ext];
  if (flag !== undefined) {
    // PyLoom and Loomsidian files are .json too: with their flag, a .json name is theirs.
    const jsonFamily = ext === ".json" && (flag === "pyloom" || flag === "loomsidian");
    if (implied !== undefined && implied !== flag && !jsonFamily) {
      throw new UsageError(
        `--format ${flag} does not match --out ${out} (a ${ext} file is ${implied})`,
        `drop --format, or name the file ….${flag}`,
      );
    }
    return flag;
  }
  if (out === undefined) return "md";
  if (implied === undefined)
    throw new UsageError(
      `--out ${out}: cannot tell the format from "${ext || "no extension"}"`,
      "pass --format md, json or dot, or end the name in .md, .json or .dot",
    );
  return implied;
}
