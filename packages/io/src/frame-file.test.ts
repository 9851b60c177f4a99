// A large snapshot's token frames stay in the file after a full read: lists read later come from the file the read went through, checked again, and a compaction in between changes nothing.
import { mkdtempSync, openSync, renameSync, rmSync, writeSync, closeSync, copyFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LoomError, type Loom } from "@loom/core";
import { writeRealisticSession } from "@loom/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { createSession, readSession } from "./index.js";
import { loadSessionFiles } from "./load-session.js";
import { FRAME_HEADER_BYTES, readFrames } from "./snapshot-frames.js";
import { readSnapshotFile } from "./snapshot-reader.js";

const tmp = mkdtempSync(join(tmpdir(), "loom-frame-file-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const plain = (x: unknown) => JSON.parse(JSON.stringify(x));

/** The nodes of a full read of `file`, token frames left in the file from `from` bytes (0: always). */
async function readNodes(file: string, from: number): Promise<Loom["nodes"]> {
  const read = await readSnapshotFile(file, { tokenFramesInFileFrom: from });
  return (read!.record["loom"] as Loom).nodes;
}

/** File offsets of the token frames' payloads. */
async function tokenPayloads(file: string): Promise<{ at: number; length: number }[]> {
  const handle = await open(file, "r");
  const out: { at: number; length: number }[] = [];
  try {
    for await (const f of readFrames(handle, file))
      if (f.type === "tokens") out.push({ at: f.offset + FRAME_HEADER_BYTES, length: f.payload.length });
  } finally {
    await handle.close();
  }
  return out;
}

describe("token frames left in the file", () => {
  it("read lists from the file the read went through, after another snapshot was renamed over it", async () => {
    const dir = join(tmp, "renamed");
    const loom = await writeRealisticSession(dir, { decisions: 200, branching: 8, seed: 7 });
    const other = join(tmp, "other");
    await writeRealisticSession(other, { decisions: 200, branching: 8, seed: 8 });
    const file = join(dir, "loom.json");
    const nodes = await readNodes(file, 0);
    renameSync(join(other, "loom.json"), file);
    expect(plain(nodes)).toEqual(plain(loom.nodes));
  });

  it("check a frame again when it is read: damage done after the open is refused, not read as tokens", async () => {
    const dir = join(tmp, "damaged");
    await writeRealisticSession(dir, { decisions: 200, branching: 8, seed: 9 });
    const file = join(dir, "loom.json");
    const [frame] = await tokenPayloads(file);
    copyFileSync(file, join(tmp, "damaged.copy"));
    const nodes = await readNodes(file, 0);
    // Kept in memory below the size, the same damage goes unseen: the lists were taken at the open.
    const kept = await readNodes(join(tmp, "damaged.copy"), Number.POSITIVE_INFINITY);
    for (const path of [file, join(tmp, "damaged.copy")]) {
      const fd = openSync(path, "r+");
      writeSync(fd, Buffer.from([0xff, 0xff, 0xff]), 0, 3, frame!.at + Math.floor(frame!.length / 2));
      closeSync(fd);
    }
    const first = Object.values(nodes).find((n) => n.tokens !== null)!;
    expect(() => first.tokens!.texts()).toThrow(LoomError);
    expect(
      Object.values(kept)
        .find((n) => n.tokens !== null)!
        .tokens!.texts(),
    ).toHaveLength(6);
  });

  it("write a loom whose lists were never read into a new session without losing a token", async () => {
    const dir = join(tmp, "rewritten");
    const loom = await writeRealisticSession(dir, { decisions: 300, branching: 8, seed: 11 });
    const { loom: read } = await loadSessionFiles(dir, { tokenFramesInFileFrom: 0 });
    // The writer copies the lists' stored bytes, read from the file held open (the path now names another file).
    renameSync(join(dir, "loom.json"), join(tmp, "rewritten.old"));
    const copy = join(tmp, "rewritten-copy");
    await (await createSession(copy, read)).close();
    expect(plain((await readSession(copy)).loom)).toEqual(plain(loom));
  });
});
