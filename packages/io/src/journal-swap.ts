// The journal that replaces the old one after a compaction: written and fsynced off the event loop, then renamed over it in a short synchronous step.
import { tempName } from "./atomic-write.js";
import type { FileLayer } from "./file-layer.js";

/** A new journal written beside the old one, not yet in its place. */
export interface NextJournal {
  /** Open for appending; becomes the session's journal descriptor once installed. */
  readonly fd: number;
  /** Bytes in it. */
  readonly bytes: number;
  /**
   * Synchronously append `more` (the lines committed while it was being written; they are in the old
   * journal too) and rename it over the journal. Not fsynced here: the caller syncs the appended lines
   * and the directory as its durability mode says. On failure the temp file is removed and the old journal
   * stays in use.
   */
  install(more: readonly Uint8Array[]): void;
  /** Remove it without installing it. */
  discard(): void;
}

/**
 * Write `lines` (the ops after the snapshot just taken) to a temp file beside `path` and fsync it, all in
 * libuv's thread pool, so commits go on meanwhile. The journal swap used to do this synchronously: an
 * fsync of several megabytes that stopped the session's loop on a busy disk (bench/MEASUREMENTS.md).
 */
export async function writeNextJournal(
  path: string,
  lines: readonly Uint8Array[],
  files: FileLayer,
): Promise<NextJournal> {
  const temp = tempName(path);
  // Appending ("a"), like every journal descriptor: a failed commit cuts the file back and later writes land at its end.
  const fd = files.openSync(temp, "ax");
  let bytes = 0;
  let open = true;
  const discard = () => {
    if (open) files.closeSync(fd);
    open = false;
    try {
      files.unlinkSync(temp);
    } catch {}
  };
  try {
    for (const line of lines) {
      let off = 0;
      while (off < line.length) off += await files.write(fd, line, off, line.length - off);
      bytes += line.length;
    }
    await files.fsync(fd);
  } catch (error) {
    discard();
    throw error;
  }
  return {
    fd,
    get bytes() {
      return bytes;
    },
    install(more) {
      try {
        for (const line of more) {
          let off = 0;
          while (off < line.length) off += files.writeSync(fd, line, off, line.length - off);
          bytes += line.length;
        }
        files.renameSync(temp, path);
      } catch (error) {
        discard();
        throw error;
      }
    },
    discard,
  };
}
