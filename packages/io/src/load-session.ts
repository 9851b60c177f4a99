// Loads a session directory: read the snapshot frame by frame, replay the journal after its seq, check invariants, reconcile the manifest.
import { join } from "node:path";
import { applyOp, findInvariantViolations, LoomError, type Loom, type LoomOp } from "@loom/core";
import { opFootprint, parseAddCandidatesFast, parseLoomFast, storedInvariantsHold } from "@loom/core/internal";
import {
  JOURNAL_FILE,
  JOURNAL_VERSION,
  JournalLineSchema,
  MANIFEST_FILE,
  SNAPSHOT_FILE,
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  SnapshotSchema,
  type JournalLine,
  type Snapshot,
} from "./formats.js";
import { nextTurn } from "./event-loop-turns.js";
import { IoError } from "./io-error.js";
import { auditManifest, type ManifestAudit } from "./manifest-audit.js";
import { migrate, type MigrationRegistry } from "./migrations.js";
import { scanNdjson } from "./ndjson.js";
import { readSnapshotFile } from "./snapshot-reader.js";
import type { SnapshotLayout } from "./snapshot-reuse.js";
import { reviveOpTokens } from "./token-codec.js";
import { parseOrThrow } from "./zod-issue.js";

export interface LoadOptions {
  migrations?: MigrationRegistry;
  /** Check every manifest line against the loom, not only those after the offset the snapshot vouches for (fsck). */
  fullManifestAudit?: boolean;
  /** Snapshot size from which token frames stay in the file (snapshot-reader.ts; tests). */
  tokenFramesInFileFrom?: number;
}

export interface LoadedFile {
  path: string;
  exists: boolean;
  /** Bytes up to the end of the last whole line; less than `size` when the tail is torn. */
  goodLength: number;
  size: number;
  /** The last line is whole but lacks its newline: a writer adds it before appending. */
  missingNewline: boolean;
}

export interface LoadedSession {
  loom: Loom;
  /** The last journal seq reflected in `loom` (recovered ops not included: a writer journals them). */
  seq: number;
  warnings: string[];
  /** Whether any record was migrated from an older format version (the session should be re-snapshotted). */
  migrated: boolean;
  snapshotBytes: number;
  journal: LoadedFile & { bytesAfterSnapshot: number };
  manifest: ManifestAudit;
  /** What a writer's encoder needs to copy the snapshot's unchanged frames (SnapshotEncoder.seed); absent when it cannot. */
  reuse?: SnapshotReuse;
}

export interface SnapshotReuse {
  layout: SnapshotLayout;
  /** The snapshot's records in its order. */
  nodeOrder: readonly { id: string }[];
  decisionOrder: readonly { id: string }[];
  /** Records that ops applied since the snapshot (the journal's, the manifest's recovered ones) added or changed. */
  changed: { nodes: Set<string>; decisions: Set<string> };
}

/** Add an op's records to `changed`; null once an op's records are unknown (then nothing is reused). */
function noteChanged(
  changed: SnapshotReuse["changed"] | null,
  op: LoomOp,
  loom: Loom,
): SnapshotReuse["changed"] | null {
  if (changed === null) return null;
  const footprint = opFootprint(op, loom);
  if (!footprint) return null;
  for (const id of footprint.nodes) changed.nodes.add(id);
  for (const id of footprint.decisions) changed.decisions.add(id);
  return changed;
}

function asRecord(value: unknown, file: string, line?: number): Record<string, unknown> {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new IoError("invalid_field", "is not a JSON object", {
    file,
    ...(line !== undefined ? { line } : {}),
    field: "(top level)",
    expected: "a JSON object",
  });
}

function invariantError(loom: Loom, file: string, prefix: string, after: string): void {
  const violations = findInvariantViolations(loom);
  const v = violations[0];
  if (!v) return;
  const more =
    violations.length > 1 ? ` (and ${violations.length - 1} more problem${violations.length > 2 ? "s" : ""})` : "";
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
function parseSnapshotFast(record: Record<string, unknown>, recordsParsed: boolean): Snapshot | null {
  const { seq, manifestBytes } = record;
  if (record["format"] !== SNAPSHOT_FORMAT || record["version"] !== SNAPSHOT_VERSION) return null;
  if (typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 0) return null;
  if (
    manifestBytes !== undefined &&
    manifestBytes !== null &&
    (typeof manifestBytes !== "number" || !Number.isSafeInteger(manifestBytes) || manifestBytes < 0)
  ) {
    return null;
  }
  const loom = parseLoomFast(record["loom"], { recordsParsed });
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
  if (record["version"] !== JOURNAL_VERSION || typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 1)
    return null;
  if (typeof op !== "object" || op === null || Array.isArray(op)) return null;
  const parsed = parseAddCandidatesFast(op as Record<string, unknown>);
  return parsed && { version: JOURNAL_VERSION, seq, op: parsed };
}

/** Read and validate a session directory without writing anything. Throws IoError on the first problem. */
export async function loadSessionFiles(dir: string, options: LoadOptions = {}): Promise<LoadedSession> {
  const warnings: string[] = [];
  const snapshotPath = join(dir, SNAPSHOT_FILE);
  const journalPath = join(dir, JOURNAL_FILE);
  const read = await readSnapshotFile(
    snapshotPath,
    options.tokenFramesInFileFrom === undefined ? {} : { tokenFramesInFileFrom: options.tokenFramesInFileFrom },
  );
  if (read === null) {
    throw new IoError("not_a_session", "no session here: the snapshot file is missing", {
      file: snapshotPath,
      expected: "a session directory made by createSession (or importSession)",
    });
  }
  const fromVersion = read.record["version"];
  const lifted = migrate("snapshot", asRecord(read.record, snapshotPath), { file: snapshotPath }, options.migrations);
  let migrated = lifted.migrated;
  // Each pass over a big loom takes a good part of a second: the event loop gets a turn between them.
  await nextTurn();
  const snapshot =
    // Lifting version 5 to 6 changes no record (only how nodes frames may be laid out), so its parsed records stand.
    parseSnapshotFast(lifted.record, read.recordsParsed && (!lifted.migrated || fromVersion === 5)) ??
    parseOrThrow(SnapshotSchema, lifted.record, { file: snapshotPath }, "the snapshot");
  const loom = snapshot.loom;
  await nextTurn();
  // The reader saw every node stored: when it vouches for them, the check needs no pass over the nodes object.
  if (!(read.stored && storedInvariantsHold(loom, read.stored)))
    invariantError(loom, snapshotPath, "loom", "in the snapshot");
  await nextTurn();

  // Journal: validate every whole line, replay those after the snapshot's seq.
  let seq = snapshot.seq;
  /** Decisions that replayed ops brought to choose/stop: the only ones a trusted manifest prefix can lack. */
  const finalizedInJournal: string[] = [];
  let lastSeq = 0;
  let replayed = 0;
  let changed: SnapshotReuse["changed"] | null = read.layout ? { nodes: new Set(), decisions: new Set() } : null;
  const journal = await scanNdjson(journalPath, { binaryRecords: true }, ({ line, value }) => {
    reviveOpTokens(value, journalPath, line);
    const l = migrate("journal", value, { file: journalPath, line }, options.migrations);
    migrated ||= l.migrated;
    const entry =
      parseJournalLineFast(l.record) ??
      parseOrThrow(JournalLineSchema, l.record, { file: journalPath, line }, `journal line ${line}`);
    if (entry.seq <= lastSeq) {
      throw new IoError("journal_gap", `seq ${entry.seq} does not follow seq ${lastSeq}`, {
        file: journalPath,
        line,
        field: "seq",
        expected: `seq ${lastSeq + 1} (seqs increase by one)`,
      });
    }
    lastSeq = entry.seq;
    if (entry.seq <= snapshot.seq) return; // already in the snapshot (a compaction was cut short)
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
    changed = noteChanged(changed, entry.op, loom);
    if (entry.op.op === "resolve" || entry.op.op === "answerClarification" || entry.op.op === "branchAtToken")
      finalizedInJournal.push(entry.op.decisionId);
  });
  if (journal === null && fromVersion !== 0) {
    // Every session is created with a journal and compaction replaces it atomically, so it never goes
    // missing by itself; without it, operations after the snapshot may be gone. Say so and change nothing.
    throw new IoError(
      "missing_file",
      `the journal is missing: operations after the snapshot (seq ${snapshot.seq}) may be lost; nothing was changed`,
      {
        file: journalPath,
        field: "(whole file)",
        expected:
          "the session's journal (`loom fsck` shows what survives, `loom fsck --repair` salvages it into a new session)",
      },
    );
  }
  if (journal?.torn) {
    warnings.push(
      `${journalPath}:${journal.torn.line}: dropped a torn last line (${journal.torn.bytes} bytes, a write cut short by a crash); everything before it loaded`,
    );
  }
  if (replayed > 0) invariantError(loom, journalPath, "", "after replaying the journal");

  const manifest = await auditManifest(join(dir, MANIFEST_FILE), loom, {
    vouched: options.fullManifestAudit ? null : snapshot.manifestBytes,
    finalizedInJournal,
    migrations: options.migrations,
    warnings,
  });
  if (manifest.recovered.length > 0)
    invariantError(loom, manifest.path, "", "after restoring resolutions from the manifest");
  for (const op of manifest.recovered) changed = noteChanged(changed, op, loom);
  const reuse: SnapshotReuse | null =
    changed !== null && read.layout && read.stored?.decisions && !migrated && !manifest.migrated
      ? { layout: read.layout, nodeOrder: read.stored.order, decisionOrder: read.stored.decisions.order, changed }
      : null;

  return {
    loom,
    seq,
    warnings,
    migrated: migrated || manifest.migrated,
    snapshotBytes: read.jsonLength,
    journal: {
      path: journalPath,
      exists: journal !== null,
      goodLength: journal?.goodLength ?? 0,
      size: journal?.size ?? 0,
      missingNewline: journal?.missingNewline ?? false,
      bytesAfterSnapshot: replayed > 0 ? journal!.goodLength : 0,
    },
    manifest,
    ...(reuse ? { reuse } : {}),
  };
}
