// Reads a framed snapshot's head and path frames when the snapshot alone is the session: nothing in the journal after it, no manifest line it does not vouch for.
import { open, stat } from "node:fs/promises";
import { join } from "node:path";
import { inflateRawSync } from "node:zlib";
import { JOURNAL_FILE, MANIFEST_FILE, SNAPSHOT_FILE, SNAPSHOT_FORMAT, SNAPSHOT_VERSION } from "./format-names.js";
import { IoError } from "./io-error.js";
import { FLAG_DEFLATE, readFrames, SNAPSHOT_MAGIC, type Frame } from "./snapshot-frames.js";
import { decode } from "./snapshot-reader.js";

export interface HeadAndPath {
  file: string;
  head: Record<string, unknown>;
  path: Record<string, unknown>;
}

const json = (frame: Frame) =>
  JSON.parse(decode(frame.flags & FLAG_DEFLATE ? inflateRawSync(frame.payload) : frame.payload)) as Record<
    string,
    unknown
  >;

async function sizeOf(file: string): Promise<number | null> {
  try {
    return (await stat(file)).size;
  } catch {
    return null;
  }
}

const HEAD_READ_BYTES = 1024 * 1024;

/** The head and path frames of a framed snapshot (format 2 or 3), or null when the file is another format or has no path frame (only readers of the whole loom need none). */
export async function readHeadAndPath(file: string): Promise<HeadAndPath | null> {
  const handle = await open(file, "r");
  try {
    const first = Buffer.alloc(SNAPSHOT_MAGIC.length);
    await handle.read(first, 0, first.length, 0);
    if (!first.equals(SNAPSHOT_MAGIC)) return null;
    let head: Record<string, unknown> | null = null;
    // The head and path frames are the first few hundred KB even of a large session: no need for big reads.
    for await (const frame of readFrames(handle, file, undefined, HEAD_READ_BYTES)) {
      if (frame.type === "head") head = json(frame);
      else if (frame.type === "path" && head) return { file, head, path: json(frame) };
      else break;
    }
    if (head === null) throw new IoError("damaged", "the snapshot has no head frame", { file, field: "frame 0" });
    return null;
  } finally {
    await handle.close();
  }
}

/**
 * The snapshot's head and path frames when loading the session whole would give exactly the loom the
 * snapshot holds: the journal is empty (a session closed cleanly) and the manifest is the length the
 * snapshot vouches for (so no resolution would be restored from it). Null otherwise, or for a snapshot of
 * format 1: the caller reads the session whole.
 */
export async function readSnapshotAlone(dir: string): Promise<HeadAndPath | null> {
  if ((await sizeOf(join(dir, JOURNAL_FILE))) !== 0) return null;
  const frames = await readHeadAndPath(join(dir, SNAPSHOT_FILE));
  // Version 2's frames are laid out as version 3's (only node records' tokens differ, read by their version).
  const version = frames?.head["version"];
  if (!frames || frames.head["format"] !== SNAPSHOT_FORMAT || (version !== 2 && version !== SNAPSHOT_VERSION))
    return null;
  const vouched = frames.head["manifestBytes"];
  if (typeof vouched !== "number" || (await sizeOf(join(dir, MANIFEST_FILE))) !== vouched) return null;
  return frames;
}
