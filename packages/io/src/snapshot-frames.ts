// The snapshot's container: a marker line, then frames of bounded size, each with its length, type and CRC-32, read back one at a time.
import type { FileHandle } from "node:fs/promises";
import { crc32 } from "node:zlib";
import { IoError } from "./io-error.js";

/** First bytes of a version-2 snapshot; version 1 was plain or gzipped JSON (starting with `{` or 1f 8b). */
export const SNAPSHOT_MAGIC = Buffer.from("loom-snapshot 2\n", "latin1");

/** `tokens` (since version 5): the token lists of the nodes frame before it (token-frames.ts). */
export const FrameType = { head: 1, path: 2, nodes: 3, decisions: 4, end: 5, tokens: 6 } as const;
export type FrameTypeName = keyof typeof FrameType;
const TYPE_NAMES: Record<number, FrameTypeName> = {
  1: "head",
  2: "path",
  3: "nodes",
  4: "decisions",
  5: "end",
  6: "tokens",
};

/** Flag bit: the payload is raw-deflated. */
export const FLAG_DEFLATE = 1;

/** u32 payload length, u32 CRC-32 of (type, flags, payload), u8 type, u8 flags. */
export const FRAME_HEADER_BYTES = 10;

/** No frame may be larger: a bigger length field is damage, not a frame (writers cut records into chunks far below it). */
export const MAX_FRAME_BYTES = 256 * 1024 * 1024;

/** The header of a frame holding `payload` (written before it; the payload is not copied). */
export function frameHeader(type: number, flags: number, payload: Uint8Array): Buffer {
  const h = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
  h.writeUInt32LE(payload.length, 0);
  h[8] = type;
  h[9] = flags;
  h.writeUInt32LE(crc32(payload, crc32(h.subarray(8, 10))), 4);
  return h;
}

export interface Frame {
  /** 0-based position among the file's frames. */
  index: number;
  type: FrameTypeName;
  flags: number;
  payload: Buffer;
  /** Byte offset of the frame's header in the file. */
  offset: number;
}

const READ_BYTES = 8 * 1024 * 1024;

/**
 * The frames of a version-2 snapshot, in order, reading at most one buffer of READ_BYTES (or one frame)
 * at a time. Throws IoError naming the file, frame and byte offset on any damage: a bad marker, a frame cut
 * short, an impossible length, an unknown type or a checksum that does not hold. With `onDamage`, a frame
 * whose checksum fails is reported and skipped instead (fsck); damage to the framing itself still ends the read.
 * `readBytes` is the size of each read: smaller for a reader that wants only the first frames. A frame's
 * payload lies in a buffer the next read reuses: it is valid until the next frame is asked for.
 */
export async function* readFrames(
  handle: FileHandle,
  file: string,
  onDamage?: (error: IoError, offset: number) => void,
  readBytes: number = READ_BYTES,
): AsyncGenerator<Frame> {
  const { size } = await handle.stat();
  let buf = Buffer.alloc(0);
  let bufAt = 0; // file offset of buf[0]
  // Reused for every read (a large snapshot is hundreds of reads): a fresh buffer each time was memory
  // outside the heap that V8 answers with full collections once enough of it has come and gone.
  let store = Buffer.alloc(0);
  const ensure = async (offset: number, length: number): Promise<boolean> => {
    if (offset + length > size) return false;
    if (offset >= bufAt && offset + length <= bufAt + buf.length) return true;
    const want = Math.max(length, Math.min(readBytes, size - offset));
    if (store.length < want) store = Buffer.allocUnsafe(want);
    const next = store;
    let got = 0;
    while (got < want) {
      const { bytesRead } = await handle.read(next, got, want - got, offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    buf = next.subarray(0, got);
    bufAt = offset;
    return got >= length;
  };
  const at = (offset: number, length: number) => buf.subarray(offset - bufAt, offset - bufAt + length);

  if (!(await ensure(0, SNAPSHOT_MAGIC.length)) || !at(0, SNAPSHOT_MAGIC.length).equals(SNAPSHOT_MAGIC)) {
    throw new IoError("damaged", "the snapshot does not start with its marker (loom-snapshot 2)", {
      file,
      field: "(byte 0)",
      expected: "a Loom snapshot",
    });
  }
  let offset = SNAPSHOT_MAGIC.length;
  let index = 0;
  while (offset < size) {
    const where = `frame ${index} at byte ${offset}`;
    if (!(await ensure(offset, FRAME_HEADER_BYTES))) {
      throw new IoError("damaged", `${where} is cut short: the file ends inside its header (truncated)`, {
        file,
        field: `frame ${index}`,
      });
    }
    const header = Buffer.from(at(offset, FRAME_HEADER_BYTES));
    const length = header.readUInt32LE(0);
    const type = TYPE_NAMES[header[8]!];
    if (length > MAX_FRAME_BYTES || type === undefined || header[9]! > FLAG_DEFLATE) {
      throw new IoError(
        "damaged",
        `${where} has an impossible header (length ${length}, type ${header[8]}, flags ${header[9]})`,
        { file, field: `frame ${index}` },
      );
    }
    if (!(await ensure(offset + FRAME_HEADER_BYTES, length))) {
      throw new IoError(
        "damaged",
        `${where} (${type}) is cut short: it needs ${length} bytes, the file ends after ${size - offset - FRAME_HEADER_BYTES} (truncated)`,
        {
          file,
          field: `frame ${index}`,
        },
      );
    }
    const payload = at(offset + FRAME_HEADER_BYTES, length);
    const crc = crc32(payload, crc32(header.subarray(8, 10)));
    if (crc !== header.readUInt32LE(4)) {
      const error = new IoError(
        "checksum",
        `${where} (${type}) fails its checksum: the file was damaged after it was written`,
        {
          file,
          field: `frame ${index}`,
          expected: "the CRC-32 stored in the frame header",
        },
      );
      if (!onDamage) throw error;
      onDamage(error, offset);
    } else {
      yield { index, type, flags: header[9]!, payload, offset };
    }
    offset += FRAME_HEADER_BYTES + length;
    index++;
  }
}

/** Throws IoError unless the end frame was read (`counts`) and its counts are the records read: a file cut at a frame boundary. */
export function checkEndCounts(
  file: string,
  counts: Record<string, unknown> | null,
  seen: { nodes: number; decisions: number },
): void {
  if (counts !== null && counts["nodes"] === seen.nodes && counts["decisions"] === seen.decisions) return;
  throw new IoError(
    "damaged",
    counts === null
      ? "the snapshot ends without its end frame: the file was cut short"
      : `the snapshot holds ${seen.nodes} nodes and ${seen.decisions} decisions; its end frame says ${String(counts["nodes"])} and ${String(counts["decisions"])}`,
    { file, field: "end" },
  );
}
