// A writer's first compaction after an open copies the opened snapshot's unchanged frames instead of encoding the loom again; damage done to them since the open is caught, not copied on.
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addCandidates, choose, sequentialEnv, type Loom } from "@loom/core";
import { writeRealisticSession } from "@loom/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { fsckSession } from "./fsck.js";
import { openSession, readSession, type Session } from "./index.js";
import { FRAME_HEADER_BYTES, readFrames } from "./snapshot-frames.js";
import { chunkRanges, type FrameSpan } from "./snapshot-reuse.js";

const tmp = mkdtempSync(join(tmpdir(), "loom-snapshot-reuse-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const plain = (x: unknown) => JSON.parse(JSON.stringify(x));
const serialised = (s: Session) =>
  (s as unknown as { encoder: { serialised: { nodes: number; decisions: number } } }).encoder.serialised;

/** One decision at the tip: 8 candidates, the first chosen. */
function decide(s: Session, env: ReturnType<typeof sequentialEnv>): void {
  const tip = s.loom.currentPath.at(-1)!;
  const cands = Array.from({ length: 8 }, (_, i) => ({ text: ` step ${i}`, stepLogprob: -i }));
  const added = s.mutate((l) => addCandidates(l, tip, cands, { env }));
  s.mutate((l) => choose(l, added.decisionId, added.nodeIds[0]!, "auto", "first", env));
}

async function nodesFramePayload(file: string): Promise<{ at: number; length: number }> {
  const handle = await open(file, "r");
  try {
    for await (const f of readFrames(handle, file))
      if (f.type === "nodes") return { at: f.offset + FRAME_HEADER_BYTES, length: f.payload.length };
  } finally {
    await handle.close();
  }
  throw new Error("no nodes frame");
}

describe("the first compaction after an open", () => {
  it("encodes only the chunks that changed; the snapshot reads back as the loom and fsck finds nothing", async () => {
    const dir = join(tmp, "one-decision");
    await writeRealisticSession(dir, { decisions: 700, branching: 8, seed: 3 });
    const env = sequentialEnv(1_000_000);
    const s = await openSession(dir);
    const total = Object.keys(s.loom.nodes).length;
    expect(total).toBeGreaterThan(5_000);
    decide(s, env);
    const live = plain(s.loom);
    await s.close();
    // The last chunk (it takes the new nodes) and the chunk of the node the decision grew from at most; before,
    // every node was encoded again.
    expect(serialised(s).nodes).toBeLessThanOrEqual(2 * 1024 + 8);
    expect(serialised(s).nodes).toBeLessThan(total / 2);
    expect(plain((await readSession(dir)).loom)).toEqual(live);
    expect((await fsckSession(dir)).problems).toEqual([]);
    // And again: the file written from copied frames is itself copied at the next open.
    const again = await openSession(dir);
    decide(again, env);
    const live2 = plain(again.loom);
    await again.close();
    expect(serialised(again).nodes).toBeLessThan(total / 2);
    expect(plain((await readSession(dir)).loom)).toEqual(live2);
    expect((await fsckSession(dir)).problems).toEqual([]);
  });

  it("encodes again the chunks that ops replayed from the journal changed", async () => {
    const dir = join(tmp, "replayed");
    await writeRealisticSession(dir, { decisions: 700, branching: 8, seed: 4 });
    const env = sequentialEnv(2_000_000);
    const crashed = await openSession(dir, { compactAfterBytes: false });
    for (let i = 0; i < 3; i++) decide(crashed, env);
    const live = plain(crashed.loom);
    // The writer dies: its journal is left for the next open to replay.
    (crashed as unknown as { lock: { release(): void } }).lock.release();
    const s = await openSession(dir);
    expect(plain(s.loom)).toEqual(live);
    await s.compact();
    expect(serialised(s).nodes).toBeLessThan(Object.keys(live.nodes).length / 2);
    await s.close();
    expect(plain((await readSession(dir)).loom)).toEqual(live);
    expect((await fsckSession(dir)).problems).toEqual([]);
  });

  it("refuses a frame damaged since the open: the snapshot is encoded afresh from memory, with a warning", async () => {
    const dir = join(tmp, "damaged");
    await writeRealisticSession(dir, { decisions: 700, branching: 8, seed: 5 });
    const env = sequentialEnv(3_000_000);
    const warnings: string[] = [];
    const s = await openSession(dir, { onWarning: (w) => warnings.push(w) });
    decide(s, env);
    const live = plain(s.loom) as Loom;
    const file = join(dir, "loom.json");
    const frame = await nodesFramePayload(file);
    const fd = openSync(file, "r+");
    writeSync(fd, Buffer.from([0xff, 0xff, 0xff]), 0, 3, frame.at + Math.floor(frame.length / 2));
    closeSync(fd);
    await s.close();
    expect(warnings.some((w) => w.includes("encoding it afresh") && w.includes("frame at byte"))).toBe(true);
    // Every node encoded from the loom in memory, none copied from the damaged file.
    expect(serialised(s).nodes).toBeGreaterThanOrEqual(Object.keys(live.nodes).length);
    expect(plain((await readSession(dir)).loom)).toEqual(live);
    expect((await fsckSession(dir)).problems).toEqual([]);
  });

  it("copies nothing from a file whose frames do not fall on its chunks", () => {
    const span = (type: FrameSpan["type"], offset: number, records: number): FrameSpan => ({
      type,
      offset,
      bytes: 10,
      records,
      chars: records,
      columns: true,
    });
    expect(chunkRanges([span("nodes", 0, 4), span("tokens", 10, 0), span("nodes", 20, 2)], "nodes", 4)).toEqual([
      { offset: 0, bytes: 20, records: 4, chars: 4 },
      { offset: 20, bytes: 10, records: 2, chars: 2 },
    ]);
    // Two frames make one chunk when the first holds fewer than a chunk's records (a frame cut at its size).
    expect(chunkRanges([span("nodes", 0, 3), span("nodes", 10, 1), span("nodes", 20, 1)], "nodes", 4)).toHaveLength(2);
    // A frame that would straddle two chunks, or a chunk short of records before another: nothing is copied.
    expect(chunkRanges([span("nodes", 0, 3), span("nodes", 10, 2)], "nodes", 4)).toBeNull();
    expect(chunkRanges([span("nodes", 0, 5)], "nodes", 4)).toBeNull();
    expect(chunkRanges([span("nodes", 0, 4), span("nodes", 30, 1)], "nodes", 4)).toEqual([
      { offset: 0, bytes: 10, records: 4, chars: 4 },
      { offset: 30, bytes: 10, records: 1, chars: 1 },
    ]);
    expect(chunkRanges([span("nodes", 0, 3), span("nodes", 30, 1)], "nodes", 4)).toBeNull();
  });
});
