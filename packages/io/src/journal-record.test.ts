// Binary journal records: they read back as the op they journal, sessions written with them reopen and compact exactly, older journals still replay, and damage is named.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import {
  addCandidates,
  choose,
  createLoom,
  LoomOpSchema,
  sequentialEnv,
  type CandidateInput,
  type Loom,
  type LoomOp,
} from "@loom/core";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { fsckSession } from "./fsck.js";
import { JOURNAL_VERSION } from "./formats.js";
import { createSession, openSession, readSession } from "./index.js";
import { decodeRecord, journalRecord, RECORD_MARK } from "./journal-record.js";
import { sealPieces } from "./line-seal.js";
import { encodeOp } from "./snapshot-codec.js";
import { journalRecords } from "./test-support/journal-file.js";

const tmp = mkdtempSync(join(tmpdir(), "loom-journal-record-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const plain = (x: unknown) => JSON.parse(JSON.stringify(x));

/** Texts with what UTF-8 and JSON find hard: multi-byte and astral characters, quotes, newlines, the empty string. */
const text = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 12 }),
  fc.constantFrom("", " é—ß 😀", '"\\\n\u2028', " naïve", "\u0000"),
);
const logprob = fc.double({ min: -50, max: 0, noNaN: true });
const token = fc.record(
  {
    text,
    id: fc.nat({ max: 100_000 }),
    logprob,
    top: fc.array(fc.record({ text, logprob, id: fc.nat({ max: 100_000 }) }, { requiredKeys: ["text", "logprob"] }), {
      maxLength: 5,
    }),
  },
  { requiredKeys: ["text"] },
);
const candidate: fc.Arbitrary<CandidateInput> = fc.record(
  {
    text,
    tokens: fc.array(token, { maxLength: 7 }),
    stepLogprob: fc.option(logprob, { nil: null }),
    meta: fc.oneof(
      fc.constant({ provider: "p", model: "m", sampling: { n: 8, seed: 1 } }),
      fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(fc.string(), fc.integer(), fc.boolean())),
    ),
    origin: fc.constantFrom("generated" as const, "human" as const),
  },
  { requiredKeys: ["text"] },
);

/** The op read back from its journal record, parsed as a loom parses journal lines. */
function readBack(op: LoomOp, seq: number): { line: Record<string, unknown>; binary: boolean } {
  const record = journalRecord(op, seq);
  const bytes = Buffer.from(record.bytes);
  if (bytes[0] !== RECORD_MARK) return { line: JSON.parse(bytes.toString("utf8")), binary: false };
  return { line: decodeRecord(bytes, 0, bytes.length, "journal.ndjson", 1, true), binary: true };
}

describe("binary journal records", () => {
  it("read back as the addCandidates op they journal, whatever the texts, tokens and fields (property)", () => {
    fc.assert(
      fc.property(fc.array(candidate, { minLength: 1, maxLength: 9 }), fc.nat({ max: 2 ** 40 }), (cands, seq) => {
        const env = sequentialEnv();
        const loom = createLoom({ seed: "Once", sessionId: "s" }, env);
        const { op } = addCandidates(loom, loom.rootId, cands, { env });
        const { line, binary } = readBack(op, seq + 1);
        expect(binary).toBe(true);
        expect(line["version"]).toBe(JOURNAL_VERSION);
        expect(line["seq"]).toBe(seq + 1);
        const parsed = LoomOpSchema.parse(line["op"]);
        expect(plain(parsed)).toEqual(plain(op));
        // Logprobs come back bit for bit (JSON would round-trip them too; the record must not lose -0).
        const nodes = (parsed as typeof op).nodes;
        nodes.forEach((n, i) => expect(Object.is(n.stepLogprob, op.nodes[i]!.stepLogprob)).toBe(true));
      }),
      { numRuns: 200 },
    );
  });

  it("falls back to a JSON line when UTF-8 cannot carry a text (a lone surrogate), which reads back the same", () => {
    const env = sequentialEnv();
    const loom = createLoom({ seed: "Once", sessionId: "s" }, env);
    const { op } = addCandidates(loom, loom.rootId, [{ text: " ok" }, { text: "half \ud83d" }], { env });
    const { line, binary } = readBack(op, 2);
    expect(binary).toBe(false);
    expect(plain(LoomOpSchema.parse((line as { op: unknown }).op))).toEqual(plain(op));
  });

  it("are what a session journals for candidates; reopened, compacted and reopened, the loom is the same", async () => {
    const dir = join(tmp, "session");
    const env = sequentialEnv();
    const s = await createSession(dir, createLoom({ seed: "Once", sessionId: "s" }, env), { compactAfterBytes: false });
    const rand = fc.sample(fc.array(candidate, { minLength: 1, maxLength: 8 }), { numRuns: 30, seed: 9 });
    for (const cands of rand) {
      const tip = s.loom.currentPath.at(-1)!;
      const added = s.mutate((l) => addCandidates(l, tip, cands, { env }));
      s.mutate((l) => choose(l, added.decisionId, added.nodeIds.at(-1)!, "auto", "last", env));
    }
    const live = plain(s.loom);
    const records = journalRecords(readFileSync(join(dir, "journal.ndjson")));
    expect(records.filter((r) => r.binary)).toHaveLength(30);
    expect(records.filter((r) => !r.binary)).toHaveLength(30);
    // A crash now: the journal alone holds the steps.
    expect(plain((await readSession(dir)).loom)).toEqual(live);
    // Compaction builds the snapshot's records from the binary records: only the root (at creation) and the
    // chosen nodes (changed by their choice after they were journaled) are serialised from the loom.
    await s.compact();
    const { encoder } = s as unknown as { encoder: { serialised: { nodes: number } } };
    expect(encoder.serialised.nodes).toBe(1 + rand.length);
    expect(Object.keys(live.nodes).length).toBeGreaterThan(1 + rand.length);
    await s.close();
    const read = await readSession(dir);
    expect(plain(read.loom)).toEqual(live);
    expect(readFileSync(join(dir, "journal.ndjson"))).toHaveLength(0);
    expect((await fsckSession(dir)).problems).toEqual([]);
  });

  it("a commit keeps no copy of its record: the memory a session holds does not grow with the journal", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const dir = join(tmp, "no-copies");
    const env = sequentialEnv();
    const s = await createSession(dir, createLoom({ seed: "Once", sessionId: "s" }, env), { compactAfterBytes: false });
    // Realistic candidates: 8 of 6 tokens with top-5 alternatives (a record of ~5.5 KB a decision).
    const tokens = Array.from({ length: 6 }, (_, t) => ({
      text: ` w${t}`,
      logprob: -0.5 - t,
      top: Array.from({ length: 5 }, (_, k) => ({ text: ` alt${k}`, logprob: -1.25 * (k + 1) })),
    }));
    const cands = Array.from({ length: 8 }, (_, i) => ({
      text: ` w${i}`,
      tokens,
      meta: { provider: "p", model: "m" },
    }));
    const step = () => {
      const tip = s.loom.currentPath.at(-1)!;
      const added = s.mutate((l) => addCandidates(l, tip, cands, { env }));
      s.mutate((l) => choose(l, added.decisionId, added.nodeIds[0]!, "auto", "first", env));
    };
    for (let i = 0; i < 20; i++) step();
    gc();
    const before = process.memoryUsage().arrayBuffers;
    const decisions = 400;
    for (let i = 0; i < decisions; i++) step();
    gc();
    const held = process.memoryUsage().arrayBuffers - before;
    // Each record was ~5.5 KB, kept (in 1 MB slabs) until the next snapshot: 2 MB or more here.
    expect(held / decisions).toBeLessThan(1024);
    const live = plain(s.loom);
    await s.close();
    expect(plain((await readSession(dir)).loom)).toEqual(live);
    expect((await fsckSession(dir)).problems).toEqual([]);
  });

  it("a version-3 journal (candidates as JSON lines) still replays, and a writer goes on in binary after it", async () => {
    const dir = join(tmp, "v3");
    const env = sequentialEnv();
    const loom = createLoom({ seed: "Old", sessionId: "s" }, env);
    const s = await createSession(dir, structuredClone(loom) as Loom, { compactAfterBytes: false });
    await s.close();
    // Lines as the version-3 build wrote them, after the snapshot's seq 0.
    const ops: LoomOp[] = [];
    const a = addCandidates(
      loom,
      loom.rootId,
      [{ text: " a", tokens: [{ text: " a", logprob: -1 }] }, { text: " b" }],
      {
        env,
      },
    );
    ops.push(a.op, choose(loom, a.decisionId, a.nodeIds[0]!, "human", "old", env));
    const v3 = ops.map((op, i) => {
      const e = encodeOp(op);
      return sealPieces(`{"version":3,"seq":${i + 1},"op":${e.head}`, e.nodes, e.tail).toString("utf8");
    });
    writeFileSync(join(dir, "journal.ndjson"), v3.join(""));
    expect(plain((await readSession(dir)).loom.nodes)).toEqual(plain(loom.nodes));
    // A writer opening it rewrites it at the current version (a snapshot), then journals in binary.
    const w = await openSession(dir, { compactAfterBytes: false });
    w.mutate((l) => addCandidates(l, a.nodeIds[0]!, [{ text: " c", tokens: [{ text: " c" }] }], { env }));
    const live = plain(w.loom);
    expect(journalRecords(readFileSync(join(dir, "journal.ndjson"))).map((r) => r.binary)).toEqual([true]);
    expect(plain((await readSession(dir)).loom)).toEqual(live);
    await w.close();
    expect(plain((await readSession(dir)).loom)).toEqual(live);
  });

  it("a journal mixing version-3 JSON lines and binary records (a crash before the upgrade's snapshot) replays whole", async () => {
    const dir = join(tmp, "mixed");
    const env = sequentialEnv();
    const loom = createLoom({ seed: "Mixed", sessionId: "s" }, env);
    const s = await createSession(dir, structuredClone(loom) as Loom, { compactAfterBytes: false });
    await s.close();
    const a = addCandidates(loom, loom.rootId, [{ text: " old", tokens: [{ text: " old", logprob: -2 }] }], { env });
    const e = encodeOp(a.op);
    const b = addCandidates(loom, a.nodeIds[0]!, [{ text: " new", tokens: [{ text: " new", logprob: -1 }] }], { env });
    appendFileSync(join(dir, "journal.ndjson"), sealPieces(`{"version":3,"seq":1,"op":${e.head}`, e.nodes, e.tail));
    appendFileSync(join(dir, "journal.ndjson"), Buffer.from(journalRecord(b.op, 2).bytes));
    expect(plain((await readSession(dir)).loom.nodes)).toEqual(plain(loom.nodes));
  });

  it("fsck names a damaged binary record and goes on to the records after it", async () => {
    const dir = join(tmp, "damaged");
    const env = sequentialEnv();
    const s = await createSession(dir, createLoom({ seed: "Damage", sessionId: "s" }, env), {
      compactAfterBytes: false,
    });
    for (let i = 0; i < 3; i++) {
      const tip = s.loom.currentPath.at(-1)!;
      const added = s.mutate((l) =>
        addCandidates(l, tip, [{ text: ` step ${i}`, tokens: [{ text: ` step ${i}`, logprob: -1 }] }], { env }),
      );
      s.mutate((l) => choose(l, added.decisionId, added.nodeIds[0]!, "auto", "first", env));
    }
    (s as unknown as { lock: { release(): void } }).lock.release();
    const file = join(dir, "journal.ndjson");
    const buf = readFileSync(file);
    const records = journalRecords(buf);
    // Damage the second binary record (the journal's third record) in its body, then in its length.
    for (const [at, field] of [
      [records[2]!.start + 20, "crc"],
      [records[2]!.start + 3, "length"],
    ] as const) {
      const damaged = Buffer.from(buf);
      damaged[at] = damaged[at]! ^ 0x10;
      writeFileSync(file, damaged);
      const report = await fsckSession(dir);
      const journalProblems = report.problems.filter((p) => p.file === file);
      expect(journalProblems[0]!.message).toMatch(
        new RegExp(`journal\\.ndjson:3 \\(field ${field}\\): record 3 \\(binary, at byte ${records[2]!.start}\\)`),
      );
      // Only that record is reported: reading picks up again at the record after it.
      expect(journalProblems.filter((p) => /record|line/.test(p.message) && !/seq/.test(p.message))).toHaveLength(1);
      await expect(readSession(dir)).rejects.toThrow(/journal\.ndjson:3/);
    }
  });
});
