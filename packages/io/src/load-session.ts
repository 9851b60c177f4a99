// Loads a session directory: validate the snapshot, replay the journal after its seq, check invariants, audit the manifest.
import { open, readFile, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { applyOp, findInvariantViolations, LoomError, parseLoomFast, parseNodeFast, type DecisionEvent, type Loom, type LoomNode } from "@loom/core";
import {
  JOURNAL_FILE,
  JOURNAL_VERSION,
  JournalLineSchema,
  MANIFEST_FILE,
  ManifestLineSchema,
  SNAPSHOT_FILE,
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  SnapshotSchema,
  type JournalLine,
  type Snapshot,
} from "./formats.js";
import { IoError } from "./io-error.js";
import { isFinal } from "./manifest-line.js";
import { migrate, type MigrationRegistry } from "./migrations.js";
import { readNdjson } from "./ndjson.js";
import { snapshotText } from "./snapshot-codec.js";
import { parseOrThrow } from "./zod-issue.js";

export interface LoadOptions {
  migrations?: MigrationRegistry;
}

export interface LoadedFile {
  path: string;
  exists: boolean;
  /** Bytes up to the end of the last whole line; less than `size` when the tail is torn. */
  goodLength: number;
  size: number;
}

export interface LoadedSession {
  loom: Loom;
  /** The last journal seq reflected in `loom`. */
  seq: number;
  warnings: string[];
  /** Whether any record was migrated from an older format version (the session should be re-snapshotted). */
  migrated: boolean;
  snapshotBytes: number;
  journal: LoadedFile & { bytesAfterSnapshot: number };
  manifest: LoadedFile & { missing: DecisionEvent[] };
}

async function readOptional(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new IoError("io", `cannot read: ${(error as Error).message}`, { file: path, cause: error });
  }
}

/**
 * The manifest's bytes, or only its size (`bytes: null`) when it is exactly the `vouched` length the
 * snapshot recorded and ends a line: then the snapshot vouches for every line and none needs reading.
 * The manifest grows by a line per decision (7.6 MB at 100k nodes), so reading it whole on every open
 * cost time and memory for nothing. null when there is no manifest.
 */
async function readManifestFile(path: string, vouched: number | null): Promise<{ size: number; bytes: Buffer | null } | null> {
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new IoError("io", `cannot read: ${(error as Error).message}`, { file: path, cause: error });
  }
  try {
    const { size } = await handle.stat();
    if (vouched !== null && vouched === size) {
      if (size === 0) return { size, bytes: null };
      const last = Buffer.alloc(1);
      const { bytesRead } = await handle.read(last, 0, 1, size - 1);
      if (bytesRead === 1 && last[0] === 0x0a) return { size, bytes: null };
    }
    return { size, bytes: await handle.readFile() };
  } catch (error) {
    throw new IoError("io", `cannot read: ${(error as Error).message}`, { file: path, cause: error });
  } finally {
    await handle.close();
  }
}

function asRecord(value: unknown, file: string, line?: number): Record<string, unknown> {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new IoError("invalid_field", "is not a JSON object", { file, ...(line !== undefined ? { line } : {}), field: "(top level)", expected: "a JSON object" });
}

function invariantError(loom: Loom, file: string, prefix: string, after: string): void {
  const violations = findInvariantViolations(loom);
  const v = violations[0];
  if (!v) return;
  const more = violations.length > 1 ? ` (and ${violations.length - 1} more problem${violations.length > 2 ? "s" : ""})` : "";
  throw new IoError("invariant", `the loom ${after} is inconsistent: ${v.field} ${v.message}${more}`, {
    file,
    field: prefix ? `${prefix}.${v.field}` : v.field,
    expected: "a tree rooted at rootId whose current and held paths are root paths",
  });
}

/**
 * SnapshotSchema.parse without zod on the nodes and decisions (a few microseconds each, which made zod
 * the bulk of opening a large session), or null when anything is off; the caller then runs the schema,
 * which names the file and field of the first problem.
 */
function parseSnapshotFast(record: Record<string, unknown>): Snapshot | null {
  const { seq, manifestBytes } = record;
  if (record["format"] !== SNAPSHOT_FORMAT || record["version"] !== SNAPSHOT_VERSION) return null;
  if (typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 0) return null;
  if (manifestBytes !== undefined && manifestBytes !== null && (typeof manifestBytes !== "number" || !Number.isSafeInteger(manifestBytes) || manifestBytes < 0)) {
    return null;
  }
  const loom = parseLoomFast(record["loom"]);
  if (loom === null) return null;
  return { format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, seq, manifestBytes: manifestBytes ?? null, loom };
}

/**
 * JournalLineSchema.parse for the one bulky op (addCandidates, whose nodes carry tokens) without zod, or
 * null for anything else or anything off; the caller then runs the schema. Replaying a journal after a
 * crash can mean thousands of these lines.
 */
function parseJournalLineFast(record: Record<string, unknown>): JournalLine | null {
  const { seq, op } = record;
  if (record["version"] !== JOURNAL_VERSION || typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 1) return null;
  if (typeof op !== "object" || op === null || Array.isArray(op)) return null;
  const o = op as Record<string, unknown>;
  const { decisionId, parentNodeId, timestamp, nodes } = o;
  if (o["op"] !== "addCandidates" || typeof decisionId !== "string" || typeof parentNodeId !== "string" || typeof timestamp !== "string") return null;
  if (!Array.isArray(nodes) || nodes.length === 0) return null;
  const parsed: LoomNode[] = [];
  for (const n of nodes) {
    const node = parseNodeFast(n);
    if (node === null) return null;
    parsed.push(node);
  }
  return { version: JOURNAL_VERSION, seq, op: { op: "addCandidates", decisionId, parentNodeId, timestamp, nodes: parsed } };
}

/** Read and validate a session directory without writing anything. Throws IoError on the first problem. */
export async function loadSessionFiles(dir: string, options: LoadOptions = {}): Promise<LoadedSession> {
  const warnings: string[] = [];
  const snapshotPath = join(dir, SNAPSHOT_FILE);
  const journalPath = join(dir, JOURNAL_FILE);
  const manifestPath = join(dir, MANIFEST_FILE);
  const [snapshotBuf, journalBuf] = await Promise.all([readOptional(snapshotPath), readOptional(journalPath)]);
  if (snapshotBuf === null) {
    throw new IoError("not_a_session", "no session here: the snapshot file is missing", {
      file: snapshotPath,
      expected: "a session directory made by createSession (or importSession)",
    });
  }
  let json: string;
  try {
    json = await snapshotText(snapshotBuf);
  } catch (error) {
    throw new IoError("malformed_json", `the compressed snapshot is damaged (${(error as Error).message})`, {
      file: snapshotPath,
      field: "(whole file)",
      expected: "gzip-compressed JSON, or plain JSON",
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new IoError("malformed_json", `not valid JSON (${(error as Error).message})`, {
      file: snapshotPath,
      field: "(whole file)",
      expected: "a JSON snapshot {format, version, seq, loom}",
    });
  }
  const lifted = migrate("snapshot", asRecord(raw, snapshotPath), { file: snapshotPath }, options.migrations);
  let migrated = lifted.migrated;
  const snapshot = parseSnapshotFast(lifted.record) ?? parseOrThrow(SnapshotSchema, lifted.record, { file: snapshotPath }, "the snapshot");
  const loom = snapshot.loom;
  invariantError(loom, snapshotPath, "loom", "in the snapshot");

  // Journal: validate every whole line, replay those after the snapshot's seq.
  let seq = snapshot.seq;
  /** Decisions that replayed ops brought to choose/stop: the only ones a trusted manifest prefix can lack. */
  const finalizedInJournal: string[] = [];
  let bytesAfterSnapshot = 0;
  let goodLength = 0;
  if (journalBuf !== null) {
    const read = readNdjson(journalBuf, journalPath);
    goodLength = read.goodLength;
    if (read.torn) {
      warnings.push(
        `${journalPath}:${read.torn.line}: dropped a torn last line (${read.torn.bytes} bytes, a write cut short by a crash); everything before it loaded`,
      );
    }
    let lastSeq = 0;
    let replayed = 0;
    for (const { line, value } of read.lines) {
      const l = migrate("journal", asRecord(value, journalPath, line), { file: journalPath, line }, options.migrations);
      migrated ||= l.migrated;
      const entry = parseJournalLineFast(l.record) ?? parseOrThrow(JournalLineSchema, l.record, { file: journalPath, line }, `journal line ${line}`);
      if (entry.seq <= lastSeq) {
        throw new IoError("journal_gap", `seq ${entry.seq} does not follow seq ${lastSeq}`, {
          file: journalPath,
          line,
          field: "seq",
          expected: `seq ${lastSeq + 1} (seqs increase by one)`,
        });
      }
      lastSeq = entry.seq;
      if (entry.seq <= snapshot.seq) continue; // already in the snapshot (a compaction was cut short)
      if (entry.seq !== seq + 1) {
        throw new IoError("journal_gap", `seq ${entry.seq} leaves a gap after seq ${seq}: operations are missing`, {
          file: journalPath,
          line,
          field: "seq",
          expected: `seq ${seq + 1}`,
        });
      }
      try {
        applyOp(loom, entry.op);
      } catch (error) {
        if (!LoomError.isInstance(error)) throw error;
        throw new IoError("invalid_field", `the operation does not fit the loom: ${error.message}`, {
          file: journalPath,
          line,
          field: "op",
          expected: `an operation valid after seq ${seq}`,
          cause: error,
        });
      }
      seq = entry.seq;
      replayed++;
      if (entry.op.op === "resolve" || entry.op.op === "answerClarification") finalizedInJournal.push(entry.op.decisionId);
    }
    if (replayed > 0) {
      bytesAfterSnapshot = read.goodLength;
      invariantError(loom, journalPath, "", "after replaying the journal");
    }
  }

  // Decisions that reached choose/stop but have no manifest line (a crash between the journal append
  // and the manifest append) are reported so a writer can repair them.
  // The snapshot vouches for the manifest up to `manifestBytes` (every decision up to its seq had a line by
  // then), so only what follows is read — unless the file is now shorter or the offset is not a line start.
  const from = snapshot.manifestBytes;
  const manifestFile = await readManifestFile(manifestPath, from);
  const manifestBuf = manifestFile?.bytes ?? null;
  const trusted =
    manifestFile !== null &&
    (manifestBuf === null || (from !== null && from <= manifestBuf.length && (from === 0 || manifestBuf[from - 1] === 0x0a)));
  const manifestRead =
    manifestFile === null
      ? null
      : manifestBuf === null
        ? { listed: new Set<string>(), migrated: false, goodLength: manifestFile.size, torn: null }
        : readManifest(manifestBuf, manifestPath, options, trusted ? from! : 0);
  migrated ||= manifestRead?.migrated ?? false;
  if (manifestRead?.torn) warnings.push(`${manifestPath}:${manifestRead.torn.line}: dropped a torn last line (${manifestRead.torn.bytes} bytes)`);
  const listed = manifestRead?.listed ?? new Set<string>();
  const toCheck = trusted ? [...new Set(finalizedInJournal)].map((id) => loom.decisions[id]!) : Object.values(loom.decisions);
  const missing = toCheck
    .filter((d) => isFinal(d) && !listed.has(d.id))
    .sort((a, b) => ((a.resolvedAt ?? "") < (b.resolvedAt ?? "") ? -1 : 1));
  if (missing.length > 0) {
    warnings.push(`${manifestPath}: ${missing.length} decision(s) in the journal had no manifest line (a crash between the two appends); repaired when opened for writing`);
  }

  return {
    loom,
    seq,
    warnings,
    migrated,
    snapshotBytes: json.length,
    journal: { path: journalPath, exists: journalBuf !== null, goodLength, size: journalBuf?.length ?? 0, bytesAfterSnapshot },
    manifest: { path: manifestPath, exists: manifestFile !== null, goodLength: manifestRead?.goodLength ?? 0, size: manifestFile?.size ?? 0, missing },
  };
}

/** Validate every whole manifest line; return the decision ids it lists. */
function readManifest(buf: Buffer, file: string, options: LoadOptions, from: number) {
  const read = readNdjson(buf, file, from);
  const listed = new Set<string>();
  let migrated = false;
  for (const { line, value } of read.lines) {
    const l = migrate("manifest", asRecord(value, file, line), { file, line }, options.migrations);
    migrated ||= l.migrated;
    const entry = parseOrThrow(ManifestLineSchema, l.record, { file, line }, `manifest line ${line}`);
    listed.add(entry.decisionId);
  }
  return { listed, migrated, goodLength: read.goodLength, torn: read.torn };
}
