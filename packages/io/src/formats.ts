// On-disk formats of a session directory: file names, current versions and the zod schemas of each file's records.
import { LoomOpSchema, LoomSchema } from "@loom/core";
import { DecisionActionSchema, ChosenBySchema } from "@loom/core/internal";
import { z } from "zod";
import {
  JOURNAL_VERSION,
  MANIFEST_VERSION,
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  STATE_FORMAT,
  STATE_VERSION,
} from "./format-names.js";

export {
  JOURNAL_FILE,
  JOURNAL_VERSION,
  LOCK_FILE,
  MANIFEST_FILE,
  MANIFEST_VERSION,
  SNAPSHOT_FILE,
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  STATE_DIR,
  STATE_FORMAT,
  STATE_VERSION,
} from "./format-names.js";

/**
 * The snapshot as a record. Versions 2 and 3 are stored in checksummed frames (snapshot-frames.ts) and
 * version 1 as one JSON document; all decode to this shape. From version 3 a node record's `tokens` may be
 * a packed string (token-codec.ts) rather than a token array; readers turn it into the TokenList.
 */
export const SnapshotSchema = z.object({
  format: z.literal(SNAPSHOT_FORMAT),
  version: z.literal(SNAPSHOT_VERSION),
  /** The last journal seq the snapshot includes; replay starts after it. */
  seq: z.number().int().min(0),
  /**
   * Length of manifest.ndjson when the snapshot was taken, if every decision up to `seq` had its line
   * by then; a load re-reads only the manifest after this offset. null: audit the whole manifest.
   */
  manifestBytes: z.number().int().min(0).nullable().default(null),
  loom: LoomSchema,
});
export type Snapshot = z.infer<typeof SnapshotSchema>;

/** A journal line (version 2 lines on end in a `crc` key, checked before parsing and not part of the record; from version 3 the nodes an op carries may hold packed tokens, as in snapshots; from version 4 an addCandidates op may be a binary record, journal-record.ts, read back as this record). */
export const JournalLineSchema = z.object({
  version: z.literal(JOURNAL_VERSION),
  /** 1, 2, 3… across the session's life; never reused, so a snapshot can say what it covers. */
  seq: z.number().int().min(1),
  op: LoomOpSchema,
});
export type JournalLine = z.infer<typeof JournalLineSchema>;

/** One line per decision that reached choose or stop (DESIGN §6), readable without the loom; version 2 lines are sealed like journal lines. */
export const ManifestLineSchema = z.object({
  version: z.literal(MANIFEST_VERSION),
  sessionId: z.string(),
  decisionId: z.string().min(1),
  parentNodeId: z.string(),
  candidateNodeIds: z.array(z.string()),
  chosenNodeId: z.string().nullable(),
  action: DecisionActionSchema,
  chosenBy: ChosenBySchema.nullable(),
  reason: z.string().nullable(),
  maxLogprob: z.number().nullable(),
  chosenLogprob: z.number().nullable(),
  logprobGap: z.number().nullable(),
  /** When the candidates were offered. */
  timestamp: z.string(),
  /** When the decision reached choose or stop. */
  resolvedAt: z.string().nullable(),
  /** The chosen segment's text (null for stop), so the manifest reads on its own. */
  chosenText: z.string().nullable(),
  clarificationQuestion: z.string().optional(),
  humanResponse: z.string().optional(),
  /** The brief version the decision was made under (absent in lines written before brief versions). */
  briefVersion: z.number().int().min(1).optional(),
});
export type ManifestLine = z.infer<typeof ManifestLineSchema>;

export const StateFileSchema = z.object({
  format: z.literal(STATE_FORMAT),
  version: z.literal(STATE_VERSION),
  name: z.string(),
  value: z.unknown(),
});
