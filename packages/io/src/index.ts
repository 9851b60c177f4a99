// @loom/io: Loom sessions on disk (journal, snapshots, manifest, lock), brief files, import and export.
export { createSession, openSession, readSession } from "./session.js";
export type { OpenSessionOptions, Session, SessionOptions } from "./session.js";
export { IoError, SessionLockedError } from "./io-error.js";
export type { IoErrorCode, IoErrorDetails, LockHolder } from "./io-error.js";
export {
  JOURNAL_FILE,
  JOURNAL_VERSION,
  JournalLineSchema,
  LOCK_FILE,
  MANIFEST_FILE,
  MANIFEST_VERSION,
  ManifestLineSchema,
  SNAPSHOT_FILE,
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  STATE_DIR,
  SnapshotSchema,
} from "./formats.js";
export type { JournalLine, ManifestLine, Snapshot } from "./formats.js";
export { CURRENT_VERSIONS, defaultMigrations, migrate } from "./migrations.js";
export type { FileKind, Migration, MigrationRegistry } from "./migrations.js";
export { writeFileAtomic } from "./atomic-write.js";
