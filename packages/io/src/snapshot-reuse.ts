// The snapshot a writer opened, as byte ranges its first compaction copies for the chunks of records no op has changed since (each frame's CRC-32 checked again), instead of encoding them afresh.
import { crc32 } from "node:zlib";
import type { FrameFile } from "./frame-file.js";
import { IoError } from "./io-error.js";
import { FRAME_HEADER_BYTES, FrameType } from "./snapshot-frames.js";

/*
 * Why: a writer's encoder started empty at open, so the first compaction after an open (at the latest the
 * close) encoded the whole loom again: 3.5–5.4 s of main thread at 100,000 realistic nodes for one decision,
 * tens of seconds at a million. The reader already passes every frame and checks its CRC-32; it notes where
 * each records frame lies, and the encoder starts with one range of the old file per chunk of records. The
 * old file stays readable through a descriptor opened at open (a compaction renames a new file over the path;
 * the descriptor still reads the old inode).
 */

/** A records frame (or a token frame) as a read found it in the file. */
export interface FrameSpan {
  type: "nodes" | "decisions" | "tokens";
  /** Byte offset of its header, and its size with the header. */
  offset: number;
  bytes: number;
  /** Records it holds (0 for a token frame), and the length of their JSON (the compaction yardstick's share). */
  records: number;
  chars: number;
  /** A nodes frame in columns (node-columns.ts): the layout the encoder writes. */
  columns: boolean;
}

/** Where a snapshot's records frames lie, and which file (device and inode) they lie in. */
export interface SnapshotLayout {
  version: unknown;
  dev: number;
  ino: number;
  frames: FrameSpan[];
}

/** One chunk's frames in the old file: one contiguous byte range. */
export interface FileRange {
  offset: number;
  bytes: number;
  records: number;
  chars: number;
}

/** The old file, read again for the ranges a compaction copies. */
export interface FrameSource {
  file: FrameFile;
  path: string;
}

/**
 * The chunks of `kind`'s records as the file lays them out, `per` records each (the last may hold fewer), each
 * nodes frame with the token frame after it; null when the frames do not fall on those boundaries (a file
 * another writer cut otherwise), so that a chunk is only ever copied whole.
 */
export function chunkRanges(
  frames: readonly FrameSpan[],
  kind: "nodes" | "decisions",
  per: number,
): FileRange[] | null {
  const out: FileRange[] = [];
  let current: FileRange | null = null;
  let previous: FrameSpan["type"] | null = null;
  for (const f of frames) {
    if (f.type === "tokens" && kind === "nodes") {
      if (current === null || previous !== "nodes" || current.offset + current.bytes !== f.offset) return null;
      current.bytes += f.bytes;
    } else if (f.type === kind) {
      if (kind === "nodes" && !f.columns) return null;
      if (current !== null && current.records < per) {
        if (current.offset + current.bytes !== f.offset) return null;
        current.bytes += f.bytes;
        current.records += f.records;
        current.chars += f.chars;
      } else {
        current = { offset: f.offset, bytes: f.bytes, records: f.records, chars: f.chars };
        out.push(current);
      }
      if (current.records > per) return null;
    }
    previous = f.type;
  }
  for (let i = 0; i < out.length - 1; i++) if (out[i]!.records !== per) return null;
  return out;
}

/**
 * The bytes of `range` read from the old file, every frame in it checked again (length, type, CRC-32): they
 * are copied into the new snapshot as they are. Throws IoError ("damaged") naming the frame otherwise: a
 * damaged frame is never copied on.
 */
export async function rangeBytes(source: FrameSource, range: FileRange, kind: "nodes" | "decisions"): Promise<Buffer> {
  const bytes = await source.file.range(range.offset, range.bytes);
  const damaged = (at: number) =>
    new IoError("damaged", `frame at byte ${range.offset + at} no longer holds what the open read`, {
      file: source.path,
      field: `frame at byte ${range.offset + at}`,
    });
  if (bytes === null) throw damaged(0);
  let at = 0;
  while (at < bytes.length) {
    if (at + FRAME_HEADER_BYTES > bytes.length) throw damaged(at);
    const length = bytes.readUInt32LE(at);
    const type = bytes[at + 8];
    const end = at + FRAME_HEADER_BYTES + length;
    const fits =
      kind === "nodes" ? type === FrameType.nodes || type === FrameType.tokens : type === FrameType.decisions;
    if (!fits || end > bytes.length) throw damaged(at);
    const crc = crc32(bytes.subarray(at + FRAME_HEADER_BYTES, end), crc32(bytes.subarray(at + 8, at + 10)));
    if (crc !== bytes.readUInt32LE(at + 4)) throw damaged(at);
    at = end;
  }
  return bytes;
}
