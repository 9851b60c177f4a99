// Test helper: read a snapshot file as one record, and write a record (or a changed path frame) back as a valid framed snapshot (to forge semantic damage behind good checksums).
import { writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { inflateRawSync } from "node:zlib";
import { readSnapshotFile } from "../snapshot-reader.js";
import {
  FLAG_DEFLATE,
  FRAME_HEADER_BYTES,
  FrameType,
  frameHeader,
  readFrames,
  SNAPSHOT_MAGIC,
} from "../snapshot-frames.js";

export type SnapshotRecord = {
  format: string;
  version: number;
  seq: number;
  manifestBytes: number | null;
  loom: Record<string, any>;
};

export async function readSnapshotRecord(file: string): Promise<SnapshotRecord> {
  const read = await readSnapshotFile(file);
  if (!read) throw new Error(`no snapshot at ${file}`);
  return read.record as SnapshotRecord;
}

/** Write `record` as a framed snapshot with correct checksums and counts (uncompressed frames). */
export function writeSnapshotRecord(file: string, record: SnapshotRecord): void {
  const { nodes, decisions, ...rest } = record.loom;
  const frame = (type: number, text: string) => {
    const payload = Buffer.from(text, "utf8");
    return [frameHeader(type, 0, payload), payload];
  };
  const nodeList = Object.values(nodes ?? {});
  const decisionList = Object.values(decisions ?? {});
  writeFileSync(
    file,
    Buffer.concat([
      SNAPSHOT_MAGIC,
      ...frame(FrameType.head, JSON.stringify({ ...record, loom: rest })),
      ...(nodeList.length ? frame(FrameType.nodes, nodeList.map((n) => JSON.stringify(n)).join("\n")) : []),
      ...(decisionList.length ? frame(FrameType.decisions, decisionList.map((d) => JSON.stringify(d)).join("\n")) : []),
      ...frame(FrameType.end, JSON.stringify({ nodes: nodeList.length, decisions: decisionList.length })),
    ]),
  );
}

/** Rewrite a framed snapshot's path frame (uncompressed, with a correct checksum); `edit` gets and returns its record. */
export async function rewritePathFrame(
  file: string,
  edit: (path: Record<string, unknown>) => Record<string, unknown>,
): Promise<void> {
  const handle = await open(file, "r");
  const parts: Buffer[] = [SNAPSHOT_MAGIC];
  try {
    for await (const frame of readFrames(handle, file)) {
      let payload = Buffer.from(frame.payload);
      let flags = frame.flags;
      if (frame.type === "path") {
        const text = (flags & FLAG_DEFLATE ? inflateRawSync(payload) : payload).toString("utf8");
        payload = Buffer.from(JSON.stringify(edit(JSON.parse(text) as Record<string, unknown>)), "utf8");
        flags = 0;
      }
      parts.push(frameHeader(FrameType[frame.type], flags, payload), payload);
    }
  } finally {
    await handle.close();
  }
  writeFileSync(file, Buffer.concat(parts));
}

/** Byte offset of the first byte of the path frame's payload (to damage it on purpose). */
export async function pathFrameOffset(file: string): Promise<number> {
  const handle = await open(file, "r");
  try {
    for await (const frame of readFrames(handle, file))
      if (frame.type === "path") return frame.offset + FRAME_HEADER_BYTES;
  } finally {
    await handle.close();
  }
  throw new Error(`no path frame in ${file}`);
}
