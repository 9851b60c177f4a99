// Snapshot version 6: nodes frames in columns, read back as the records version 5 held; version-5 files still read.
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { addCandidates, type CandidateInput, choose, createLoom, LoomSchema, NodeSchema } from "@loom/core";
import { EMPTY_RECORD, NODE_KEYS, seededRandom } from "@loom/core/internal";
import { realisticCandidate, realisticEnv } from "@loom/testkit";
import { afterAll, describe, expect, it } from "vitest";
import { createSession, fsckSession, IoError, openSession, readSession, readSnapshotRecords } from "./index.js";
import { readSnapshotOutline } from "./internal.js";
import { columnRecords, isColumnFrame, NodeColumnsBuilder } from "./node-columns.js";
import { NODE_DEFAULTS } from "./snapshot-codec.js";
import { readFrames } from "./snapshot-frames.js";
import { payloadBytes } from "./snapshot-reader.js";
import { readSnapshotRecord } from "./test-support/snapshot-file.js";

const tmp = mkdtempSync(join(tmpdir(), "loom-node-columns-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const plain = (x: unknown) => JSON.parse(JSON.stringify(x));

/** Whether each nodes frame of the snapshot is a column frame. */
async function nodesFrameLayouts(file: string): Promise<boolean[]> {
  const handle = await open(file, "r");
  try {
    const out: boolean[] = [];
    for await (const f of readFrames(handle, file))
      if (f.type === "nodes") out.push(isColumnFrame(payloadBytes(f, file)));
    return out;
  } finally {
    await handle.close();
  }
}

/** A loom whose nodes take every path of the columns: repeats, a root, plain tokens, fields in `rest`. */
function oddLoom() {
  const env = realisticEnv();
  const rand = seededRandom(7);
  const loom = createLoom({ seed: "The spider wove" }, env);
  let tip = loom.rootId;
  for (let i = 0; i < 30; i++) {
    const candidates: CandidateInput[] = Array.from({ length: 4 }, () => realisticCandidate(rand));
    if (i === 3) {
      // A lone surrogate cannot be packed: the list stays plain in the tokens column.
      candidates.push({ text: "\ud800", tokens: [{ text: "\ud800", logprob: -2 }] });
      candidates.push({ text: " scored", meta: { model: "other", nested: { a: [1] } } });
      candidates.push({ text: " none", meta: {} });
    }
    const added = addCandidates(loom, tip, candidates, { env });
    if (i === 3) {
      // Fields the columns leave to `rest`: scores and an origin not at their default.
      const id = added.nodeIds[5]!;
      loom.nodes[id] = { ...loom.nodes[id]!, scores: { pull: 0.5 }, origin: "human" };
    }
    const chosen = added.nodeIds[i % added.nodeIds.length]!;
    choose(loom, added.decisionId, chosen, i % 2 ? "human" : "auto", `reason ${i}`, env);
    tip = chosen;
  }
  addCandidates(loom, tip, [realisticCandidate(rand), realisticCandidate(rand)], { env });
  return loom;
}

describe("nodes frames in columns (snapshot version 6)", () => {
  it("writes column frames and reads them back, whole, streamed and in outline, as the loom in memory", async () => {
    const dir = join(tmp, "odd");
    const loom = oddLoom();
    const session = await createSession(dir, loom);
    await session.close();
    const file = join(dir, "loom.json");
    expect((await readSnapshotRecord(file)).version).toBe(6);
    const layouts = await nodesFrameLayouts(file);
    expect(layouts.length).toBeGreaterThan(0);
    expect(layouts.every(Boolean)).toBe(true);

    const read = await readSession(dir);
    expect(read.warnings).toEqual([]);
    expect(plain(read.loom)).toEqual(plain(loom));
    // Fields at their default come back as the shared empty record, not one object per node.
    const ids = Object.keys(read.loom.nodes);
    expect(read.loom.nodes[ids[1]!]!.scores).toBe(EMPTY_RECORD);
    // Siblings point at one parent, decision, time and meta (written once per run).
    const [a, b] = [read.loom.nodes[ids[1]!]!, read.loom.nodes[ids[2]!]!];
    expect(b.meta).toBe(a.meta);
    expect(b.createdAt).toBe(a.createdAt);

    const streamed = (await readSnapshotRecords(dir))!;
    const nodes: Record<string, unknown> = {};
    for await (const r of streamed.records()) if (r.kind === "node") nodes[r.record.id] = plain(r.record);
    expect(nodes).toEqual(plain(loom.nodes));
    const outline = (await readSnapshotOutline(dir))!;
    for (const [id, node] of Object.entries(loom.nodes)) {
      const o = outline.nodes.get(id)!;
      expect(o.text).toBe(node.text);
      expect(o.parentId).toBe(node.parentId);
      const texts = o.tokenNumbers && o.tokenNumbers.map((k) => outline.tokenTexts.texts[k]);
      expect(texts).toEqual(node.tokens ? node.tokens.toArray().map((t) => t.text) : null);
    }
    expect((await fsckSession(dir)).problems).toEqual([]);
  });

  it("reads a version-5 session as that build did and rewrites it in columns at a compaction", async () => {
    const fixture = fileURLToPath(new URL("./__fixtures__/v5-session", import.meta.url));
    const dir = join(tmp, "v5");
    cpSync(fixture, dir, { recursive: true, filter: (src) => !/SOURCE\.md|expected-loom\.json/.test(src) });
    const expected = plain(LoomSchema.parse(JSON.parse(readFileSync(join(fixture, "expected-loom.json"), "utf8"))));
    const file = join(dir, "loom.json");
    expect((await readSnapshotRecord(file)).version).toBe(5);
    expect((await nodesFrameLayouts(file)).some(Boolean)).toBe(false);
    const read = await readSession(dir);
    expect(read.warnings).toEqual([]);
    expect(plain(read.loom)).toEqual(expected);
    const outline = (await readSnapshotOutline(dir))!;
    expect(outline.nodes.size).toBe(Object.keys(expected.nodes).length);
    const session = await openSession(dir);
    await session.compact();
    await session.close();
    expect((await readSnapshotRecord(file)).version).toBe(6);
    expect((await nodesFrameLayouts(file)).every(Boolean)).toBe(true);
    expect(plain((await readSession(dir)).loom)).toEqual(expected);
    expect((await fsckSession(dir)).problems).toEqual([]);
  });

  it("knows the schema's node fields in its key order (the writer's test of a record's shape)", () => {
    expect(NODE_KEYS).toEqual(Object.keys(NodeSchema.shape));
  });

  it("refuses a column frame whose header, columns or repeats do not fit, naming the frame", () => {
    const builder = new NodeColumnsBuilder(NODE_DEFAULTS);
    const node = (id: string) => ({
      id,
      parentId: "n_root",
      text: " t",
      tokens: null,
      stepLogprob: -1,
      decisionId: "d_1",
      chosenBy: null,
      selectionReason: null,
      scores: {},
      createdAt: "2026-01-01T00:00:00.000Z",
      origin: "generated",
      replacesId: null,
      meta: { model: "m" },
    });
    builder.add(node("n_1"), null);
    builder.add(node("n_2"), null);
    const good = builder.finish().toString("utf8");
    const lines = good.split("\n");
    expect(lines[2]).toBe('["n_root",0]'); // the second record repeats the first's parent
    expect(columnRecords(Buffer.from(good), "f", "frame 3 (nodes)").records.map((r) => r["id"])).toEqual([
      "n_1",
      "n_2",
    ]);
    const broken = (i: number, line: string) =>
      Buffer.from(lines.map((l, k) => (k === i ? line : l)).join("\n"), "utf8");
    const refusal = (bytes: Buffer) => {
      try {
        columnRecords(bytes, "f", "frame 3 (nodes)");
        return null;
      } catch (error) {
        expect(IoError.isInstance(error)).toBe(true);
        return (error as Error).message;
      }
    };
    expect(refusal(broken(0, '["node-columns",2,"id"]'))).toMatch(/frame 3 \(nodes\) has a column header/);
    expect(refusal(broken(1, '["n_1"]'))).toMatch(/frame 3 \(nodes\) has 1 values in column id for 2 records/);
    expect(refusal(broken(2, "[0,0]"))).toMatch(/frame 3 \(nodes\) repeats a field of a record before its first/);
    expect(refusal(broken(9, '[0,{"id":"x"}]'))).toMatch(/record 1 has id outside its column/);
    expect(refusal(broken(3, "[nope"))).toMatch(/frame 3 \(nodes\) \(column text\) is not valid JSON/);
    expect(refusal(Buffer.from(good.split("\n").slice(0, 5).join("\n")))).toMatch(/column stepLogprob\) is missing/);
  });
});
