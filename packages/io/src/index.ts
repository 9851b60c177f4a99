// @loom/io: Loom sessions on disk (journal, snapshots, manifest, lock), brief files, import and export.
export { createSession, openSession, readSession } from "./session.js";
export { readCurrentPath } from "./current-path.js";
export type { CurrentPathView } from "./current-path.js";
export { readSessionView } from "./session-view.js";
export type { SessionView, SessionViewWants } from "./session-view.js";
export { readSessionState } from "./state-file.js";
export { readSnapshotRecords } from "./snapshot-records.js";
export type { SnapshotRecord, SnapshotRecords } from "./snapshot-records.js";
export { fsckSession } from "./fsck.js";
export type { FsckProblem, FsckReport } from "./fsck.js";
export { salvageSession } from "./salvage.js";
export type { SalvageResult } from "./salvage.js";
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
export { nodeFiles } from "./file-layer.js";
export type { FileLayer } from "./file-layer.js";
export {
  BRIEF_TOML_KEYS,
  briefFormatOf,
  loadBrief,
  looksLikeTomlBrief,
  parseBriefText,
  parseBriefToml,
} from "./brief-file.js";
export type { BriefFormat } from "./brief-file.js";
export { briefFieldOf, briefToToml, briefWithField } from "./brief-edit.js";
export { detectFormat, importSession, readPythonSession } from "./import-session.js";
export type { ImportResult, SessionFormat } from "./import-session.js";
export { convertPythonLoom, isoMicros } from "./python-import.js";
export { unixSecondsOf, writePythonSession } from "./python-export.js";
export type { PythonConversion } from "./python-import.js";
export { PythonDecisionSchema, PythonLoomSchema, PythonNodeSchema } from "./python-format.js";
export type { PythonDecision, PythonLoom, PythonNode } from "./python-format.js";
export { exportMarkdown, leavesOf } from "./export-markdown.js";
export type { MarkdownExportOptions } from "./export-markdown.js";
export { dotString, exportDot } from "./export-dot.js";
export type { DotExportOptions } from "./export-dot.js";
export { exportJson, fullTexts, JSON_EXPORT_FORMAT, JSON_EXPORT_VERSION } from "./export-json.js";
export type { JsonExportOptions } from "./export-json.js";
