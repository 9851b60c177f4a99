// Repairs what a crash leaves in a session's files once it is loaded and locked: torn tails, lost newlines, lost resolutions, missing manifest lines.
import { fstatSync } from "node:fs";
import { join } from "node:path";
import type { LoomOp } from "@loom/core";
import { appendAll, openFile } from "./append-file.js";
import { fsyncDirSync, writeFileAtomicSync } from "./atomic-write.js";
import type { FileLayer } from "./file-layer.js";
import { JOURNAL_VERSION } from "./formats.js";
import { IoError } from "./io-error.js";
import { sealJson, sealOpenBody } from "./line-seal.js";
import type { LoadedSession } from "./load-session.js";
import { manifestLine } from "./manifest-line.js";

export interface Repaired {
  seq: number;
  journalBytes: number;
  manifestBytes: number;
}

/**
 * Cut `path` back to `length` bytes, its length when it was read: only ever shorter, and only if the file
 * is still the one read (its size unchanged), so a repair can never pad a file with zeros or cut a file
 * another process swapped in.
 */
function cutBack(files: FileLayer, path: string, length: number, sizeWhenRead: number): void {
  const fd = openFile(path, "repair", "r+", files);
  try {
    const { size } = fstatSync(fd);
    if (size !== sizeWhenRead) {
      throw new IoError(
        "io",
        `changed while the session was being opened (${sizeWhenRead} bytes, now ${size}); nothing was cut, open it again`,
        { file: path },
      );
    }
    if (length < size) files.ftruncateSync(fd, length);
    files.fsyncSync(fd);
  } finally {
    files.closeSync(fd);
  }
}

function appendDurably(files: FileLayer, path: string, text: string): number {
  if (text === "") return 0;
  const fd = openFile(path, "repair", "a", files);
  try {
    const n = appendAll(fd, text, files);
    files.fsyncSync(fd);
    return n;
  } finally {
    files.closeSync(fd);
  }
}

/** Repair the files of `loaded` (we hold the lock). Returns the seq and file lengths the session continues from. */
export function repairAfterLoad(dir: string, loaded: LoadedSession, files: FileLayer): Repaired {
  const { journal, manifest } = loaded;
  try {
    let journalBytes = journal.goodLength;
    if (!journal.exists)
      writeFileAtomicSync(journal.path, "", { files }); // only a version-0 session has none (the load refuses others)
    else if (journal.goodLength < journal.size) cutBack(files, journal.path, journal.goodLength, journal.size);
    let tail = journal.missingNewline ? "\n" : "";
    // Resolutions restored from the manifest are journaled now, so the journal alone replays them next time.
    let seq = loaded.seq;
    for (const op of loaded.manifest.recovered) {
      seq++;
      tail +=
        sealOpenBody(`{"version":${JOURNAL_VERSION},"seq":${seq},"op":${JSON.stringify(op satisfies LoomOp)}`) + "\n";
    }
    journalBytes += appendDurably(files, journal.path, tail);

    let manifestBytes = manifest.goodLength;
    if (manifest.exists && manifest.goodLength < manifest.size)
      cutBack(files, manifest.path, manifest.goodLength, manifest.size);
    let text = manifest.missingNewline ? "\n" : "";
    for (const d of manifest.missing) text += sealJson(JSON.stringify(manifestLine(loaded.loom, d))) + "\n";
    if (!manifest.exists) writeFileAtomicSync(manifest.path, "", { files });
    manifestBytes += appendDurably(files, manifest.path, text);
    fsyncDirSync(dir, files);
    return { seq, journalBytes, manifestBytes };
  } catch (error) {
    throw IoError.fromSystem(error, join(dir), "repair the session");
  }
}
