// Test helper: read a snapshot file as one record, and write a record back as a valid framed snapshot (to forge semantic damage behind good checksums).
import { writeFileSync } from "node:fs";
import { readSnapshotFile } from "../snapshot-reader.js";
import { FrameType, frameHeader, SNAPSHOT_MAGIC } from "../snapshot-frames.js";

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
