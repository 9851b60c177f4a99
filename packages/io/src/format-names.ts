// Names and current versions of a session directory's files: the constants without the schemas (formats.ts), so readers that need only these load no zod.
export const SNAPSHOT_FILE = "loom.json";
export const JOURNAL_FILE = "journal.ndjson";
export const MANIFEST_FILE = "manifest.ndjson";
export const LOCK_FILE = "lock";
export const STATE_DIR = "state";

/** Versions of each file kind this build writes (and reads, after migrating older ones). */
export const SNAPSHOT_VERSION = 6;
export const JOURNAL_VERSION = 4;
export const MANIFEST_VERSION = 2;
export const STATE_VERSION = 1;

export const SNAPSHOT_FORMAT = "loom-snapshot";
export const STATE_FORMAT = "loom-state";
