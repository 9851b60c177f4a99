// @loom/io/internal: the on-disk formats, migrations and building blocks behind sessions, for Loom's own tools and
// tests. Unstable: it may change in any release.
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
export { streamSink, writeFileStreamed } from "./stream-file.js";
export type { Sink } from "./stream-file.js";
export { BRIEF_TOML_KEYS, briefFormatOf, looksLikeTomlBrief } from "./brief-file.js";
export { convertPythonLoom, isoMicros } from "./python-import.js";
export { unixSecondsOf } from "./python-export.js";
export type { PythonConversion } from "./python-import.js";
export { PythonDecisionSchema, PythonLoomSchema, PythonNodeSchema } from "./python-format.js";
export type { PythonDecision, PythonLoom, PythonNode } from "./python-format.js";
export { leavesOf } from "./export-markdown.js";
export { dotString } from "./export-dot.js";
export { JSON_EXPORT_FORMAT, JSON_EXPORT_VERSION } from "./export-json.js";
export { sealJson } from "./line-seal.js";
export { acquireLock } from "./session-lock.js";
export type { SessionLock } from "./session-lock.js";
export { scanNdjson } from "./ndjson.js";
export type { NdjsonLine, NdjsonOptions, NdjsonRead } from "./ndjson.js";
export { validateLoomToStore } from "./session.js";
export { parseOrThrow } from "./zod-issue.js";
export { assertStateName } from "./state-file.js";
export { readSnapshotOutline } from "./snapshot-outline.js";
export type { NodeOutline, SnapshotOutline } from "./snapshot-outline.js";
export { PACKED_TOKENS_FROM, packTokens, revivePackedTokens } from "./token-codec.js";
export { TextNumbers } from "./text-numbers.js";
