// The snapshot encoder of a session opened for writing: seeded from the snapshot just read, so its first compaction copies the unchanged frames.
import { join } from "node:path";
import { FrameFile } from "./frame-file.js";
import { SNAPSHOT_FILE } from "./formats.js";
import type { LoadedSession } from "./load-session.js";
import { SnapshotEncoder } from "./snapshot-codec.js";

/** An encoder for `loaded`, seeded when its snapshot's layout allows (else empty: the first compaction encodes the loom whole). */
export function openedEncoder(dir: string, loaded: LoadedSession, compress: boolean): SnapshotEncoder {
  const encoder = new SnapshotEncoder();
  const reuse = loaded.reuse;
  // Copied frames are deflated: a session that writes its snapshots plain (tests reading the bytes) encodes them.
  if (!reuse || !compress) return encoder;
  const path = join(dir, SNAPSHOT_FILE);
  const file = FrameFile.open(path, reuse.layout);
  if (file !== null && !encoder.seed(loaded.loom, reuse, { file, path })) file.close();
  return encoder;
}
