// Imports a session directory into a new Loom session, detecting its format (Loom's own, or the Python reference's).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { findInvariantViolations, type Loom } from "@loom/core";
import { IoError } from "./io-error.js";
import { readNdjson } from "./ndjson.js";
import { PythonLoomSchema, PythonManifestLineSchema } from "./python-format.js";
import { convertPythonLoom } from "./python-import.js";
import { createSession, readSession, type SessionOptions } from "./session.js";
import { readSnapshotFile } from "./snapshot-reader.js";
import { parseOrThrow } from "./zod-issue.js";
import { MANIFEST_FILE, SNAPSHOT_FILE, SNAPSHOT_FORMAT } from "./formats.js";

export type SessionFormat = "loom" | "python-reference";

/** The snapshot-like file at `file` as one record: a Loom snapshot (framed or legacy JSON) or the Python reference's JSON. */
async function readJson(file: string): Promise<unknown> {
  const read = await readSnapshotFile(file);
  if (read === null) {
    throw new IoError("missing_file", "no loom.json here", {
      file,
      expected: "a session directory (Loom's own, or the Python reference's)",
    });
  }
  return read.record;
}

function formatOf(value: unknown, file: string): SessionFormat {
  const v = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  if (v.format === SNAPSHOT_FORMAT) return "loom";
  if ("session_id" in v && "decision_events" in v) return "python-reference";
  if ("sessionId" in v && "rootId" in v && typeof v.version === "number") return "loom"; // a bare (version 0) loom
  throw new IoError("bad_import", "unrecognised session format", {
    file,
    field: "(top level)",
    expected:
      'a Loom snapshot ({"format": "loom-snapshot", …}) or a Python reference loom.json (session_id, nodes, decision_events)',
  });
}

/** Which format the session directory `dir` is in. */
export async function detectFormat(dir: string): Promise<SessionFormat> {
  const file = join(dir, SNAPSHOT_FILE);
  return formatOf(await readJson(file), file);
}

export interface ImportResult {
  format: SessionFormat;
  loom: Loom;
  warnings: string[];
}

/** Read a Python reference session directory as a Loom (nothing written). */
export async function readPythonSession(dir: string): Promise<{ loom: Loom; warnings: string[] }> {
  const file = join(dir, SNAPSHOT_FILE);
  const py = parseOrThrow(PythonLoomSchema, await readJson(file), { file }, "the Python loom.json");
  const { loom, warnings } = convertPythonLoom(py, file);
  const v = findInvariantViolations(loom)[0];
  if (v) {
    throw new IoError("bad_import", `the session is inconsistent: ${v.field} ${v.message}`, {
      file,
      field: v.field,
      expected: "a tree rooted at root_id whose current_path and held_paths are root paths",
    });
  }
  // Cross-check the reference's manifest: it is appended per decision, so it can be ahead of loom.json.
  const manifestFile = join(dir, MANIFEST_FILE);
  let manifest: Buffer | null = null;
  try {
    manifest = await readFile(manifestFile);
  } catch {}
  if (manifest) {
    const read = readNdjson(manifest, manifestFile);
    if (read.torn) warnings.push(`${manifestFile}:${read.torn.line}: ignored a torn last line`);
    const unknown: string[] = [];
    for (const { line, value } of read.lines) {
      const entry = parseOrThrow(
        PythonManifestLineSchema,
        value,
        { file: manifestFile, line },
        `manifest line ${line}`,
      );
      if (!loom.decisions[entry.decision_id]) unknown.push(entry.decision_id);
    }
    if (unknown.length > 0) {
      warnings.push(
        `${manifestFile}: ${unknown.length} decision(s) in the manifest are not in loom.json (saved after the last snapshot?): ${unknown.join(", ")}`,
      );
    }
  }
  return { loom, warnings };
}

/** Import the session in `srcDir` (format detected) into a new Loom session at `destDir`, then close it. */
export async function importSession(
  srcDir: string,
  destDir: string,
  options: SessionOptions = {},
): Promise<ImportResult> {
  const format = await detectFormat(srcDir);
  const { loom, warnings } =
    format === "python-reference" ? await readPythonSession(srcDir) : await readSession(srcDir, options);
  const session = await createSession(destDir, loom, options);
  await session.close();
  return { format, loom: session.loom, warnings };
}
