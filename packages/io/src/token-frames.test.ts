// Snapshot version 5: node records without their token lists, which live in token frames that a read leaves deflated until a list is read.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { addCandidates, LoomSchema, TokenList } from "@loom/core";
import { realisticEnv, writeRealisticSession } from "@loom/testkit";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { fsckSession, IoError, openSession, readSession, readSnapshotRecords, tokenTexts } from "./index.js";
import { FRAME_HEADER_BYTES, readFrames, type Frame } from "./snapshot-frames.js";
import { columnRecords } from "./node-columns.js";
import { payloadBytes } from "./snapshot-reader.js";
import { packedBytes } from "./token-codec.js";
import { textsEntry, textsEntryOfPacked } from "./token-frames.js";
import { readSnapshotRecord } from "./test-support/snapshot-file.js";

const tmp = mkdtempSync(join(tmpdir(), "loom-token-frames-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const plain = (x: unknown) => JSON.parse(JSON.stringify(x));

/** Every frame of a snapshot with a copy of its payload. */
async function framesOf(file: string): Promise<Frame[]> {
  const handle = await open(file, "r");
  try {
    const out: Frame[] = [];
    for await (const f of readFrames(handle, file)) out.push({ ...f, payload: Buffer.from(f.payload) });
    return out;
  } finally {
    await handle.close();
  }
}

describe("token frames (snapshot version 5)", () => {
  it("writes node records without their lists and reopens a realistic session equal to the loom in memory", async () => {
    const dir = join(tmp, "realistic");
    // 300 decisions of 8: 2,401 nodes, three chunks of nodes, each followed by its token frame.
    const loom = await writeRealisticSession(dir, { decisions: 300, branching: 8, leaveOpen: true, seed: 5 });
    const file = join(dir, "loom.json");
    const frames = await framesOf(file);
    const types = frames.map((f) => f.type);
    expect(types.filter((t) => t === "tokens")).toHaveLength(3);
    for (const [i, t] of types.entries()) if (t === "tokens") expect(types[i - 1]).toBe("nodes");
    for (const f of frames.filter((f) => f.type === "nodes")) {
      // Version 6 writes nodes frames in columns (node-columns.ts): the records they give.
      const records = columnRecords(payloadBytes(f, file), file, "nodes").records;
      // The root has no tokens; every other record holds a token count, not a list.
      expect(records.filter((r) => r["tokens"] !== null).every((r) => r["tokens"] === 6)).toBe(true);
    }
    expect((await readSnapshotRecord(file)).version).toBe(6);

    const read = await readSession(dir);
    expect(read.warnings).toEqual([]);
    expect(plain(read.loom)).toEqual(plain(loom));
    // Texts from the column equal the lists' own, read whole.
    for (const id of Object.keys(loom.nodes).slice(0, 50)) {
      const list = read.loom.nodes[id]!.tokens;
      if (!list) continue;
      const texts = tokenTexts(list);
      expect(texts).toEqual(loom.nodes[id]!.tokens!.toArray().map((t) => t.text));
      expect(list.toArray()).toEqual(loom.nodes[id]!.tokens!.toArray());
    }
    // The streamed reader (analysis, JSON export) gives the same records.
    const streamed = (await readSnapshotRecords(dir))!;
    const nodes: Record<string, unknown> = {};
    for await (const r of streamed.records()) if (r.kind === "node") nodes[r.record.id] = plain(r.record);
    expect(nodes).toEqual(plain(loom.nodes));
  });

  it("rewrites a session it opened (lists never read) without losing a token, and reads texts beyond ASCII", async () => {
    const dir = join(tmp, "rewrite");
    const loom = await writeRealisticSession(dir, { decisions: 40, branching: 4, leaveOpen: true, seed: 6 });
    const session = await openSession(dir);
    const tip = session.loom.currentPath.at(-1)!;
    const odd = [
      { text: " café", logprob: -0.5 },
      { text: " 🕸", id: 3, top: [{ text: " ü", logprob: -1 }] },
    ];
    const lone = [{ text: "\ud800", logprob: -2 }];
    session.mutate((l) =>
      addCandidates(
        l,
        tip,
        [
          { text: " café 🕸", tokens: odd },
          { text: "\ud800", tokens: lone },
        ],
        { env: realisticEnv() },
      ),
    );
    const live = plain(session.loom);
    await session.close();
    const read = await readSession(dir);
    expect(plain(read.loom)).toEqual(live);
    const added = Object.values(read.loom.nodes).filter((n) => n.text === " café 🕸" || n.text === "\ud800");
    expect(added.map((n) => tokenTexts(n.tokens!))).toEqual([[" café", " 🕸"], ["\ud800"]]);
    expect(added[0]!.tokens!.toArray()).toStrictEqual(odd);
    expect(Object.keys(read.loom.nodes)).toHaveLength(Object.keys(loom.nodes).length + 2);
  });

  it("names damage in a token frame: a plain open refuses it, fsck reports the frame", async () => {
    const dir = join(tmp, "damaged");
    await writeRealisticSession(dir, { decisions: 20, branching: 4, seed: 7 });
    const file = join(dir, "loom.json");
    const tokens = (await framesOf(file)).find((f) => f.type === "tokens")!;
    const bytes = readFileSync(file);
    // A byte deep inside the lists section, which a plain open never inflates: the frame's CRC still catches it.
    bytes[tokens.offset + FRAME_HEADER_BYTES + tokens.payload.length - 20]! ^= 0x04;
    writeFileSync(file, bytes);
    const error = await readSession(dir).catch((e: unknown) => e);
    expect(IoError.isInstance(error) && error.message).toMatch(
      new RegExp(`frame ${tokens.index} at byte ${tokens.offset} \\(tokens\\) fails its checksum`),
    );
    const report = await fsckSession(dir);
    expect(report.problems.map((p) => p.message).join("\n")).toMatch(
      new RegExp(
        `frame ${tokens.index} .*\\(tokens\\) fails its checksum[\\s\\S]*token lists of frame ${tokens.index - 1} \\(nodes\\) are missing`,
      ),
    );
  });

  it("refuses a token frame whose count does not match its nodes frame, naming both", async () => {
    const dir = join(tmp, "count");
    await writeRealisticSession(dir, { decisions: 5, branching: 2, seed: 8 });
    const file = join(dir, "loom.json");
    const frames = await framesOf(file);
    const tokens = frames.find((f) => f.type === "tokens")!;
    // Rewrite the count and the frame's CRC together, as a buggy writer would: the checksum holds, the layout does not.
    const payload = Buffer.from(tokens.payload);
    payload.writeUInt32LE(payload.readUInt32LE(1) + 1, 1);
    const { frameHeader, FrameType } = await import("./snapshot-frames.js");
    const bytes = readFileSync(file);
    frameHeader(FrameType.tokens, 0, payload).copy(bytes, tokens.offset);
    payload.copy(bytes, tokens.offset + FRAME_HEADER_BYTES);
    writeFileSync(file, bytes);
    const error = await readSession(dir).catch((e: unknown) => e);
    expect(IoError.isInstance(error) && error.message).toMatch(
      new RegExp(`frame ${tokens.index} \\(tokens\\) holds 11 token lists; the nodes frame before it has 10`),
    );
  });

  it("opens a session written at version 4 (tokens packed in the records) as that build read it, and rewrites it at version 5", async () => {
    const fixture = fileURLToPath(new URL("./__fixtures__/v4-session", import.meta.url));
    const dir = join(tmp, "v4");
    cpSync(fixture, dir, { recursive: true, filter: (src) => !/SOURCE\.md|expected-loom\.json/.test(src) });
    const expected = plain(LoomSchema.parse(JSON.parse(readFileSync(join(fixture, "expected-loom.json"), "utf8"))));
    expect((await readSnapshotRecord(join(dir, "loom.json"))).version).toBe(4);
    const read = await readSession(dir);
    expect(read.warnings).toEqual([]);
    expect(plain(read.loom)).toEqual(expected);
    const session = await openSession(dir);
    await session.compact();
    await session.close();
    expect((await readSnapshotRecord(join(dir, "loom.json"))).version).toBe(6);
    expect(plain((await readSession(dir)).loom)).toEqual(expected);
    expect((await fsckSession(dir)).problems).toEqual([]);
  });
});

describe("texts entries read off packed bytes", () => {
  it("equal the entry built from the token texts for ASCII lists, and leave other lists to it (property)", () => {
    const text = fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: "grapheme", maxLength: 6 }), fc.constant(""));
    const token = fc.record(
      {
        text,
        logprob: fc.double({ min: -20, max: 0, noNaN: true }),
        top: fc.array(fc.record({ text, logprob: fc.double({ min: -20, max: 0, noNaN: true }) }), { maxLength: 6 }),
      },
      { requiredKeys: ["text"] },
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 40 }), (tokens) => {
        const list = TokenList.from(tokens);
        const packed = packedBytes(list)!;
        const entry = textsEntryOfPacked(packed);
        const ascii = tokens.every(
          (t) => /^[\x00-\x7f]*$/.test(t.text) && (t.top ?? []).every((a) => /^[\x00-\x7f]*$/.test(a.text)),
        );
        if (ascii && tokens.length < 128) expect(entry).toEqual(textsEntry(list.texts()));
        else if (entry !== null) expect(entry).toEqual(textsEntry(list.texts()));
      }),
      { numRuns: 300 },
    );
  });
});
