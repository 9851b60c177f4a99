// readSnapshotOutline gives each node's outline and every decision as a whole read gives them, reads only a snapshot that alone is the session, and names damage.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { inflateRawSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addCandidates, choose, type Loom, type LoomEnv } from "@loom/core";
import { realisticEnv, realisticLoom } from "@loom/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { createSession, IoError, openSession, readSession } from "./index.js";
import { readSnapshotOutline, type SnapshotOutline } from "./snapshot-outline.js";
import {
  FLAG_DEFLATE,
  FrameType,
  frameHeader,
  readFrames,
  SNAPSHOT_MAGIC,
  type FrameTypeName,
} from "./snapshot-frames.js";
import { readSnapshotRecord, writeSnapshotRecord } from "./test-support/snapshot-file.js";

const tmp = mkdtempSync(join(tmpdir(), "loom-outline-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/**
 * 130 realistic decisions (1,041 nodes: two nodes frames, two token frames), then a step whose token texts are
 * not ASCII, a candidate without tokens and one with an empty token list.
 */
function sampleLoom(): { loom: Loom; env: LoomEnv } {
  const env = realisticEnv();
  const loom = realisticLoom({ decisions: 130, branching: 8, seed: 7 }, env);
  const tip = loom.currentPath.at(-1)!;
  const added = addCandidates(
    loom,
    tip,
    [
      {
        text: " Ünïcode 蜘蛛",
        tokens: [
          { text: " Ünïcode", logprob: -0.5 },
          { text: " 蜘蛛", logprob: -1.25 },
        ],
      },
      { text: " no tokens" },
      { text: "", tokens: [] },
    ],
    { env },
  );
  choose(loom, added.decisionId, added.nodeIds[0]!, "human", "the odd one", env);
  return { loom, env };
}

/** What the outline must hold, from a whole read (every token decoded). */
async function wholeOutline(dir: string) {
  const { loom } = await readSession(dir);
  const nodes: Record<string, unknown> = {};
  for (const [id, n] of Object.entries(loom.nodes))
    nodes[id] = {
      parentId: n.parentId,
      text: n.text,
      tokenTexts: n.tokens ? n.tokens.toArray().map((t) => t.text) : null,
      stepLogprob: n.stepLogprob,
      origin: n.origin,
    };
  const { nodes: _n, decisions, ...head } = loom;
  return { loom: head, nodes, decisions: Object.values(decisions) };
}

/** The outline with its nodes as a record, in the order read, their token numbers as texts, to compare with a whole read's. */
function plain(outline: SnapshotOutline | null) {
  if (outline === null) return null;
  const { tokenTexts, ...rest } = outline;
  const nodes: Record<string, unknown> = {};
  for (const [id, { tokenNumbers, ...n }] of outline.nodes)
    nodes[id] = {
      parentId: n.parentId,
      text: n.text,
      tokenTexts: tokenNumbers && tokenNumbers.map((k) => tokenTexts.texts[k]),
      stepLogprob: n.stepLogprob,
      origin: n.origin,
    };
  return { ...rest, nodes };
}

/** Rewrites the file's frames of one type (their payloads as `edit` returns them, stored as they came), checksums made anew. */
async function rewriteFrames(
  file: string,
  type: FrameTypeName,
  edit: (payload: Buffer) => Buffer,
  options: { inflated?: boolean } = {},
): Promise<void> {
  const handle = await open(file, "r");
  const parts: Buffer[] = [SNAPSHOT_MAGIC];
  try {
    for await (const frame of readFrames(handle, file)) {
      let payload: Buffer = Buffer.from(frame.payload);
      let flags = frame.flags;
      if (frame.type === type) {
        // With `inflated`, the edit sees the records themselves, stored back uncompressed.
        if (options.inflated && flags & FLAG_DEFLATE) {
          payload = inflateRawSync(payload);
          flags &= ~FLAG_DEFLATE;
        }
        payload = edit(payload);
      }
      parts.push(frameHeader(FrameType[frame.type], flags, payload), payload);
    }
  } finally {
    await handle.close();
  }
  writeFileSync(file, Buffer.concat(parts));
}

describe("readSnapshotOutline", () => {
  it("gives each node's parent, text, token texts, step logprob and origin, and every decision, as a whole read does", async () => {
    const dir = join(tmp, "closed");
    const { loom } = sampleLoom();
    await (await createSession(dir, loom)).close();
    const outline = await readSnapshotOutline(dir);
    expect(outline).not.toBeNull();
    const whole = await wholeOutline(dir);
    expect(outline!.nodes.size).toBe(1 + 130 * 8 + 3);
    expect(plain(outline)).toEqual(whole);
    const odd = [...outline!.nodes.values()].find((n) => n.text === " Ünïcode 蜘蛛")!;
    expect(odd.tokenNumbers!.map((k) => outline!.tokenTexts.texts[k])).toEqual([" Ünïcode", " 蜘蛛"]);
    expect([...outline!.nodes.values()].find((n) => n.text === " no tokens")!.tokenNumbers).toBeNull();
  });

  it("reads the token lists themselves when a token frame's texts column does not fit them", async () => {
    const dir = join(tmp, "column");
    await (await createSession(dir, sampleLoom().loom)).close();
    // The column's inflated size one byte off (bytes 9–12 of the payload): the column no longer holds together.
    await rewriteFrames(join(dir, "loom.json"), "tokens", (p) => {
      p.writeUInt32LE(p.readUInt32LE(9) + 1, 9);
      return p;
    });
    expect(plain(await readSnapshotOutline(dir))).toEqual(await wholeOutline(dir));
  });

  it("takes token lists kept inside the records (no token frames)", async () => {
    const dir = join(tmp, "inline");
    await (await createSession(dir, sampleLoom().loom)).close();
    const file = join(dir, "loom.json");
    // Written back with every record whole (its tokens a plain array), uncompressed, at the same version.
    writeSnapshotRecord(file, await readSnapshotRecord(file));
    const outline = await readSnapshotOutline(dir);
    expect(outline).not.toBeNull();
    expect(plain(outline)).toEqual(await wholeOutline(dir));
  });

  it("is null when the journal or the manifest holds more than the snapshot, or the snapshot is of another version", async () => {
    const dir = join(tmp, "journal");
    const { loom, env } = sampleLoom();
    await (await createSession(dir, loom)).close();
    const w = await openSession(dir, { compactAfterBytes: false });
    w.mutate((l) => addCandidates(l, l.currentPath.at(-1)!, [{ text: " later" }], { env }));
    // Left without closing (as after kill -9): the op is only in the journal, which the caller must apply.
    (w as unknown as { lock: { release(): void } }).lock.release();
    expect(await readSnapshotOutline(dir)).toBeNull();

    const older = join(tmp, "older");
    await (await createSession(older, sampleLoom().loom)).close();
    const file = join(older, "loom.json");
    writeSnapshotRecord(file, { ...(await readSnapshotRecord(file)), version: 4 });
    expect(await readSnapshotOutline(older)).toBeNull();
    expect(await readSnapshotOutline(join(tmp, "nowhere"))).toBeNull();
  });

  it("names the file, frame, record and field of a record that is not valid, as a whole read does", async () => {
    const dir = join(tmp, "bad");
    await (await createSession(dir, sampleLoom().loom)).close();
    const file = join(dir, "loom.json");
    const record = await readSnapshotRecord(file);
    const second = Object.keys(record.loom.nodes)[1]!;
    record.loom.nodes[second].parentId = 42;
    writeSnapshotRecord(file, record);
    const error = await readSnapshotOutline(dir).catch((e: unknown) => e);
    expect(IoError.isInstance(error)).toBe(true);
    expect((error as IoError).message).toMatch(/frame 1, node record 1/);
    expect((error as IoError).file).toBe(file);
    expect((error as IoError).field).toMatch(/parentId/);
    // The whole read refuses the same record.
    await expect(readSession(dir)).rejects.toThrow(/parentId/);
  });

  it("names a decision record deep in its frame that is not JSON, or is two records on one line", async () => {
    // Decisions frames are parsed a chunk of records at a time (about 32 KB, some 70 decisions): damage to
    // record 100 is still named by its record.
    const damages: [(line: string) => string, RegExp][] = [
      [(line) => line.slice(0, -1), /frame \d+, decision record 100 is not valid JSON/],
      [(line) => `${line},${line}`, /frame \d+, decision record 100 is not valid JSON/],
      [() => "[]", /frame \d+, decision record 100 is not a JSON object/],
    ];
    for (const [i, [damage, message]] of damages.entries()) {
      const dir = join(tmp, `deep-${i}`);
      await (await createSession(dir, sampleLoom().loom)).close();
      await rewriteFrames(
        join(dir, "loom.json"),
        "decisions",
        (payload) => {
          const lines = payload.toString("utf8").split("\n");
          expect(lines.length).toBeGreaterThan(100);
          lines[100] = damage(lines[100]!);
          return Buffer.from(lines.join("\n"), "utf8");
        },
        { inflated: true },
      );
      await expect(readSnapshotOutline(dir)).rejects.toThrow(message);
    }
  });
});
