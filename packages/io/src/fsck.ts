// Checks a session directory without changing it: every checksum, the snapshot/journal/manifest agreement and the loom's invariants, reported record by record.
import { join } from "node:path";
import { JOURNAL_FILE, MANIFEST_FILE, SNAPSHOT_FILE } from "./formats.js";
import { IoError } from "./io-error.js";
import { loadSessionFiles } from "./load-session.js";
import { scanNdjson } from "./ndjson.js";
import { readSnapshotFile } from "./snapshot-reader.js";

export interface FsckProblem {
  /** The damaged or contradictory file. */
  file: string;
  /** What and where, in words (frame, record, line, field). */
  message: string;
}

export interface FsckReport {
  dir: string;
  /** Damage and contradictions: the session is not whole while this is non-empty. */
  problems: FsckProblem[];
  /** What an ordinary open repairs by itself (torn tails of an interrupted write, missing manifest lines). */
  repairable: string[];
  /** Set when the session loads: its size. */
  loaded: { nodes: number; decisions: number; seq: number } | null;
}

const REPAIRABLE = /dropped a torn last line|had no manifest line|restored from this manifest line|manifest is missing/;

function problemOf(error: unknown, fallbackFile: string): FsckProblem {
  if (IoError.isInstance(error)) return { file: error.file ?? fallbackFile, message: error.message };
  throw error;
}

/** Verify every checksum of every file (collecting all damage, not only the first), then load the session with a full manifest audit. */
export async function fsckSession(dir: string): Promise<FsckReport> {
  const problems: FsckProblem[] = [];
  const snapshotPath = join(dir, SNAPSHOT_FILE);
  const seen = new Set<string>();
  const add = (p: FsckProblem) => {
    if (seen.has(p.message)) return;
    seen.add(p.message);
    problems.push(p);
  };
  try {
    await readSnapshotFile(snapshotPath, { onDamage: (e) => add(problemOf(e, snapshotPath)) });
  } catch (error) {
    add(problemOf(error, snapshotPath));
  }
  for (const name of [JOURNAL_FILE, MANIFEST_FILE]) {
    const file = join(dir, name);
    try {
      await scanNdjson(
        file,
        { binaryRecords: name === JOURNAL_FILE, onDamage: (e) => add(problemOf(e, file)) },
        () => {},
      );
    } catch (error) {
      add(problemOf(error, file));
    }
  }
  const repairable: string[] = [];
  let loaded: FsckReport["loaded"] = null;
  try {
    const session = await loadSessionFiles(dir, { fullManifestAudit: true });
    loaded = {
      nodes: Object.keys(session.loom.nodes).length,
      decisions: Object.keys(session.loom.decisions).length,
      seq: session.seq,
    };
    for (const w of session.warnings) {
      if (REPAIRABLE.test(w)) repairable.push(w);
      else if (!problems.some((p) => w.startsWith(p.message))) add({ file: w.slice(0, w.indexOf(":")), message: w });
    }
  } catch (error) {
    add(problemOf(error, dir));
  }
  return { dir, problems, repairable, loaded };
}
