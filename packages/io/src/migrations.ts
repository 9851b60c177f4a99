// The migration hook: for each file kind, functions that lift a record from version k to k+1, applied on load.
import { IoError } from "./io-error.js";
import { JOURNAL_VERSION, MANIFEST_VERSION, SNAPSHOT_FORMAT, SNAPSHOT_VERSION, STATE_VERSION } from "./format-names.js";

export type FileKind = "snapshot" | "journal" | "manifest" | "state";

/** A migration takes a record at version k (as parsed JSON) and returns it at version k+1. */
export type Migration = (record: Record<string, unknown>) => Record<string, unknown>;

/** `registry[kind][k]` lifts a `kind` record from version k to k+1. */
export type MigrationRegistry = Partial<Record<FileKind, Record<number, Migration>>>;

export const CURRENT_VERSIONS: Record<FileKind, number> = {
  snapshot: SNAPSHOT_VERSION,
  journal: JOURNAL_VERSION,
  manifest: MANIFEST_VERSION,
  state: STATE_VERSION,
};

/**
 * Migrations this build knows. Snapshot version 0 is the prototype's layout: `loom.json` held the bare
 * loom (its own `version: 0`), with no wrapper and no journal seq, like the Python seed's file. Version 1
 * of every file kind predates checksums.
 */
export const defaultMigrations: MigrationRegistry = {
  snapshot: {
    0: (bare) => ({ format: SNAPSHOT_FORMAT, version: 1, seq: 0, loom: { ...bare, version: 1 } }),
    // Version 2 changed only the container (checksummed frames); the record is the same.
    1: (record) => ({ ...record, version: 2 }),
    // Version 3 lets node records hold packed tokens; token arrays stay valid, so a version-2 record is one.
    2: (record) => ({ ...record, version: 3 }),
    // Version 4 changed only the path frame (the current path's text in a frame of its own), which a whole
    // read does not use: the record is the same.
    3: (record) => ({ ...record, version: 4 }),
    // Version 5 moved node records' token lists into token frames of their own; readers put them back on
    // the records, so the record is the same.
    4: (record) => ({ ...record, version: 5 }),
    // Version 6 may write nodes frames in columns (node-columns.ts); readers give the same records.
    5: (record) => ({ ...record, version: 6 }),
  },
  journal: {
    // Version 2 lines carry a checksum, verified before parsing; the record is the same.
    1: (record) => ({ ...record, version: 2 }),
    // As for snapshots: version 3 adds packed tokens, and a version-2 line is a valid version-3 one.
    2: (record) => ({ ...record, version: 3 }),
    // Version 4 journals addCandidates ops as binary records (journal-record.ts), read back as the same
    // record; its JSON lines are version-3 ones.
    3: (record) => ({ ...record, version: 4 }),
  },
  manifest: { 1: (record) => ({ ...record, version: 2 }) },
};

/** Lift `record` to the current version of its kind. Returns it unchanged when it is already current. */
export function migrate(
  kind: FileKind,
  record: Record<string, unknown>,
  where: { file: string; line?: number },
  registry: MigrationRegistry = defaultMigrations,
): { record: Record<string, unknown>; migrated: boolean } {
  const current = CURRENT_VERSIONS[kind];
  let version = record.version;
  if (version === current) return { record, migrated: false };
  const lineDetail = where.line !== undefined ? { line: where.line } : {};
  if (typeof version !== "number" || !Number.isInteger(version) || version < 0) {
    throw new IoError("unsupported_version", `the ${kind} record has no valid format version`, {
      file: where.file,
      ...lineDetail,
      field: "version",
      expected: `an integer version (this build writes ${current})`,
    });
  }
  if (version > current) {
    throw new IoError(
      "unsupported_version",
      `written by a newer Loom (${kind} format version ${version}); this build reads up to ${current}`,
      {
        file: where.file,
        ...lineDetail,
        field: "version",
        expected: `a version ≤ ${current}; upgrade @loom/io to read this session`,
      },
    );
  }
  let out = record;
  while (version < current) {
    const step = registry[kind]?.[version] ?? defaultMigrations[kind]?.[version];
    if (!step) {
      throw new IoError("unsupported_version", `no migration for ${kind} format version ${version}`, {
        file: where.file,
        ...lineDetail,
        field: "version",
        expected: `a version this build can migrate (${current} is current)`,
      });
    }
    out = step(out);
    version++;
  }
  return { record: out, migrated: true };
}
