import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { addCandidates, checkout, choose, createLoom, sequentialEnv, type Loom } from "@loom/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IoError, createSession, loadBrief, openSession, readSession } from "./index.js";
import { JOURNAL_VERSION } from "./formats.js";
import { sealJson } from "./line-seal.js";
import { journalAsJsonLines, journalRecords, resealRecord } from "./test-support/journal-file.js";
import { readSnapshotRecord, writeSnapshotRecord, type SnapshotRecord } from "./test-support/snapshot-file.js";

const tmp = mkdtempSync(join(tmpdir(), "loom-malformed-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const base = join(tmp, "base");

/** Node ids of the base session, by role. */
const ids = { root: "", a: "", b: "", c: "", d1: "", d2: "", d3: "" };

// The base: a snapshot (plain JSON) of two decisions, then a journal of two more and their manifest lines,
// as a writer leaves it when it is killed before compacting.
beforeAll(async () => {
  const env = sequentialEnv();
  const loom = createLoom({ seed: "Base", sessionId: "s-base" }, env);
  const s = await createSession(base, loom, { compressSnapshots: false, compactAfterBytes: false });
  ids.root = s.loom.rootId;
  const one = s.mutate((l) =>
    addCandidates(
      l,
      l.rootId,
      [
        { text: " one", stepLogprob: -1 },
        { text: " uno", stepLogprob: -2 },
      ],
      { env },
    ),
  );
  s.mutate((l) => choose(l, one.decisionId, one.nodeIds[0]!, "auto", "first", env));
  ids.a = one.nodeIds[0]!;
  ids.d1 = one.decisionId;
  await s.close();
  const w = await openSession(base, { compressSnapshots: false, compactAfterBytes: false });
  const two = w.mutate((l) => addCandidates(l, ids.a, [{ text: " two" }, { text: " dos" }], { env }));
  w.mutate((l) => choose(l, two.decisionId, two.nodeIds[1]!, "human", "second", env));
  ids.b = two.nodeIds[1]!;
  ids.d2 = two.decisionId;
  const three = w.mutate((l) => addCandidates(l, ids.b, [{ text: " three" }], { env }));
  w.mutate((l) => choose(l, three.decisionId, three.nodeIds[0]!, "human", "third", env));
  ids.c = three.nodeIds[0]!;
  ids.d3 = three.decisionId;
  w.mutate((l) => checkout(l, ids.b));
  // Copy the directory as a crash would leave it: journal not compacted; the (live) lock left behind.
  cpSync(base, join(tmp, "crashed"), { recursive: true });
  rmSync(join(tmp, "crashed", "lock"));
  await w.close();
  rmSync(base, { recursive: true });
  cpSync(join(tmp, "crashed"), base, { recursive: true });
  // Sanity: the base itself loads.
  await (await openSession(join(tmp, "crashed"))).close();
});

type Snap = {
  format: string;
  version: number;
  seq: number;
  manifestBytes: number | null;
  loom: Loom & Record<string, unknown>;
};
/** Edit the snapshot's record and write it back framed with valid checksums: semantic damage that only validation can catch. */
const editJson = async (dir: string, f: (snap: Snap) => unknown) => {
  const file = join(dir, "loom.json");
  writeSnapshotRecord(file, f((await readSnapshotRecord(file)) as unknown as Snap) as SnapshotRecord);
};
/** Flip one bit of the byte at `at` (negative: from the end). */
const flip = (file: string, at: number) => {
  const buf = readFileSync(file);
  const i = at < 0 ? buf.length + at : at;
  buf[i] = buf[i]! ^ 0x04;
  writeFileSync(file, buf);
};
/** The journal as JSON lines (its binary records turned into the lines they stand for, which readers take too). */
const journalLines = (dir: string) => journalAsJsonLines(join(dir, "journal.ndjson"));
/** Change the body of the journal's binary record `index` (a copy, newline included) and seal it again. */
const editRecord = (dir: string, index: number, f: (record: Buffer) => void) => {
  const file = join(dir, "journal.ndjson");
  const buf = readFileSync(file);
  const { start, end, binary } = journalRecords(buf)[index]!;
  if (!binary) throw new Error(`record ${index} is not binary`);
  const record = Buffer.from(buf.subarray(start, end + 1));
  f(record);
  writeFileSync(file, Buffer.concat([buf.subarray(0, start), resealRecord(record), buf.subarray(end + 1)]));
};
/** Byte offset of the journal's record `index`. */
const recordAt = (dir: string, index: number) =>
  journalRecords(readFileSync(join(dir, "journal.ndjson")))[index]!.start;
const editJournal = (dir: string, f: (lines: string[]) => string[]) =>
  writeFileSync(join(dir, "journal.ndjson"), f(journalLines(dir)).join("\n") + "\n");
/** Edit a journal entry and seal it again (a valid checksum over invalid content). */
const editJournalOp = (dir: string, index: number, f: (entry: any) => void) =>
  editJournal(dir, (lines) =>
    lines.map((l, i) => (i === index ? sealJson(JSON.stringify(((e) => (f(e), delete e.crc, e))(JSON.parse(l)))) : l)),
  );
const editManifest = (dir: string, f: (lines: string[]) => string[]) => {
  const file = join(dir, "manifest.ndjson");
  writeFileSync(file, f(readFileSync(file, "utf8").trimEnd().split("\n")).join("\n") + "\n");
};

interface Case {
  name: string;
  corrupt: (dir: string) => void | Promise<void>;
  file: string;
  /** Matched against the error message (which carries file, line and field). */
  message: RegExp | (() => RegExp);
  /** Load a brief file from the directory instead of opening the session. */
  brief?: string;
}

const cases: Case[] = [
  {
    name: "snapshot is not JSON",
    corrupt: (d) => writeFileSync(join(d, "loom.json"), '{"format": "loom-snapshot", "version": 1,'),
    file: "loom.json",
    message: /\(field \(whole file\)\): not valid JSON/,
  },
  {
    name: "snapshot is a JSON array",
    corrupt: (d) => writeFileSync(join(d, "loom.json"), "[]"),
    file: "loom.json",
    message: /\(field \(top level\)\).*expected a JSON object/,
  },
  {
    name: "compressed snapshot is damaged",
    corrupt: (d) =>
      writeFileSync(join(d, "loom.json"), Buffer.concat([gzipSync("{}").subarray(0, 12), Buffer.from("garbage")])),
    file: "loom.json",
    message: /compressed snapshot is damaged/,
  },
  {
    name: "wrong format marker",
    corrupt: (d) => editJson(d, (s) => ({ ...s, format: "pyloom" })),
    file: "loom.json",
    message: /field format.*expected "loom-snapshot"/,
  },
  {
    name: "newer snapshot version",
    corrupt: (d) => editJson(d, (s) => ({ ...s, version: 7 })),
    file: "loom.json",
    message: /field version.*newer Loom.*version 7/,
  },
  {
    name: "snapshot without a version",
    corrupt: (d) => editJson(d, ({ version: _, ...s }) => s),
    file: "loom.json",
    message: /field version.*no valid format version/,
  },
  {
    name: "negative seq",
    corrupt: (d) => editJson(d, (s) => ({ ...s, seq: -1 })),
    file: "loom.json",
    message: /field seq/,
  },
  {
    name: "wrong type: node text is a number",
    corrupt: (d) => editJson(d, (s) => (((s.loom.nodes[ids.a]!.text as unknown) = 42), s)),
    file: "loom.json",
    message: () => new RegExp(`field loom\\.nodes\\.${ids.a}\\.text\\).*expected string, received number`),
  },
  {
    name: "missing rootId",
    corrupt: (d) => editJson(d, (s) => (delete (s.loom as Record<string, unknown>).rootId, s)),
    file: "loom.json",
    message: /field loom\.rootId/,
  },
  {
    name: "bad enum: chosenBy",
    corrupt: (d) => editJson(d, (s) => (((s.loom.decisions[ids.d1]!.chosenBy as unknown) = "robot"), s)),
    file: "loom.json",
    message: () =>
      new RegExp(`field loom\\.decisions\\.${ids.d1}\\.chosenBy.*expected one of "human"\\|"selector_llm"\\|"auto"`),
  },
  {
    name: "a decision listing a candidate twice",
    corrupt: (d) => editJson(d, (s) => (s.loom.decisions[ids.d1]!.candidateNodeIds.push(ids.a), s)),
    file: "loom.json",
    message: () => new RegExp(`field loom\\.decisions\\.${ids.d1}\\.candidateNodeIds\\[2\\]\\).*a second time`),
  },
  {
    name: "dangling parent id",
    corrupt: (d) => editJson(d, (s) => ((s.loom.nodes[ids.a]!.parentId = "ghost"), s)),
    file: "loom.json",
    message: () => new RegExp(`field loom\\.nodes\\.${ids.a}\\.parentId.*dangling`),
  },
  {
    name: "a cycle in the parent chain",
    corrupt: (d) =>
      editJson(d, (s) => {
        const sibling = Object.keys(s.loom.nodes).find((k) => k !== ids.root && k !== ids.a)!;
        s.loom.nodes[sibling]!.parentId = ids.a;
        s.loom.nodes[ids.a]!.parentId = sibling;
        return s;
      }),
    file: "loom.json",
    message: () => /field loom\.nodes\.n_\w+\).*cycle through/,
  },
  {
    name: "current path is not a path",
    corrupt: (d) => editJson(d, (s) => ((s.loom.currentPath = [ids.root, ids.root]), s)),
    file: "loom.json",
    message: /field loom\.currentPath\[1\].*not a path/,
  },
  {
    name: "current path does not start at the root",
    corrupt: (d) => editJson(d, (s) => ((s.loom.currentPath = [ids.a]), s)),
    file: "loom.json",
    message: /field loom\.currentPath\[0\].*must be the root/,
  },
  {
    name: "held path is not a path",
    corrupt: (d) => editJson(d, (s) => ((s.loom.heldPaths = [[ids.root, "nowhere"]]), s)),
    file: "loom.json",
    message: /field loom\.heldPaths\[0\]\[1\].*unknown node/,
  },
  {
    name: "chosen node is not a candidate",
    corrupt: (d) => editJson(d, (s) => ((s.loom.decisions[ids.d1]!.chosenNodeId = ids.root), s)),
    file: "loom.json",
    message: () => new RegExp(`field loom\\.decisions\\.${ids.d1}\\.chosenNodeId.*not one of the candidates`),
  },
  {
    name: "duplicate ids (one node under two keys)",
    corrupt: (d) => editJson(d, (s) => ((s.loom.nodes["copy"] = { ...s.loom.nodes[ids.a]! }), s)),
    file: "loom.json",
    message: /node record \d+ repeats the id/,
  },
  {
    name: "journal: truncated line in the middle",
    corrupt: (d) => editJournal(d, (l) => l.map((x, i) => (i === 1 ? x.slice(0, 25) : x))),
    file: "journal.ndjson",
    message: /journal\.ndjson:2 \(field \(whole line\)\): line 2 is not valid JSON/,
  },
  {
    name: "journal: a line that is not an object",
    corrupt: (d) => editJournal(d, (l) => [l[0]!, "[1,2]", ...l.slice(1)]),
    file: "journal.ndjson",
    message: /journal\.ndjson:2 .*not a JSON object/,
  },
  {
    name: "journal: unknown op",
    corrupt: (d) => editJournalOp(d, 0, (e) => (e.op.op = "explode")),
    file: "journal.ndjson",
    message: /journal\.ndjson:1 \(field op\.op\)/,
  },
  {
    name: "journal: wrong type inside an op",
    corrupt: (d) => editJournalOp(d, 0, (e) => (e.op.nodes[0].text = 5)),
    file: "journal.ndjson",
    message: /journal\.ndjson:1 \(field op\.nodes\[0\]\.text\).*expected string, received number/,
  },
  {
    name: "journal: op that does not fit the loom",
    corrupt: (d) => editJournalOp(d, 1, (e) => (e.op.resolution.chosenNodeId = ids.root)),
    file: "journal.ndjson",
    message: /journal\.ndjson:2 \(field op\): the operation does not fit.*not a candidate/,
  },
  {
    name: "journal: duplicate node id",
    corrupt: (d) => editJournalOp(d, 0, (e) => (e.op.nodes[0].id = ids.a)),
    file: "journal.ndjson",
    message: /journal\.ndjson:1 \(field op\).*already exists/,
  },
  {
    name: "journal: a gap in seq",
    corrupt: (d) => editJournalOp(d, 1, (e) => (e.seq += 5)),
    file: "journal.ndjson",
    message: /journal\.ndjson:2 \(field seq\).*gap/,
  },
  {
    name: "journal: seq going backwards",
    corrupt: (d) => editJournalOp(d, 2, (e) => (e.seq = 1)),
    file: "journal.ndjson",
    message: /journal\.ndjson:3 \(field seq\)/,
  },
  {
    name: "journal: newer line version",
    corrupt: (d) => editJournalOp(d, 0, (e) => (e.version = JOURNAL_VERSION + 1)),
    file: "journal.ndjson",
    message: /journal\.ndjson:1 \(field version\).*newer Loom/,
  },
  {
    name: "journal: packed tokens that do not hold together (re-sealed)",
    corrupt: (d) => editJournalOp(d, 0, (e) => (e.op.nodes[0].tokens = "BgIBAAAA")),
    file: "journal.ndjson",
    message:
      /journal\.ndjson:1 \(field op\.nodes\[0\]\.tokens\): op\.nodes\[0\] has tokens that are not a packed token list/,
  },
  {
    name: "journal: packed tokens in a version-2 line (which had none)",
    corrupt: (d) =>
      editJournalOp(d, 0, (e) => {
        e.version = 2;
        e.op.nodes[0].tokens = "AQUBAyB0d28AAAAAAADwvw==";
      }),
    file: "journal.ndjson",
    message: /journal\.ndjson:1 \(field op\.nodes\[0\]\.tokens\).*format version 2 has no packed tokens/,
  },
  {
    name: "snapshot: a node's packed tokens that do not hold together (checksums valid)",
    corrupt: (d) =>
      editJson(d, (s) => {
        (s.loom.nodes[ids.a] as unknown as Record<string, unknown>).tokens = "AQUBAyB0d28AAAAAAADw";
        return s;
      }),
    file: "loom.json",
    message: /loom\.json \(field frame \d+, node record \d+\.tokens\)/,
  },
  {
    name: "journal: a flipped byte in a line that still parses",
    corrupt: (d) => flip(join(d, "journal.ndjson"), recordAt(d, 1) + 40),
    file: "journal.ndjson",
    message: /journal\.ndjson:2 \(field crc\): line 2 fails its checksum/,
  },
  {
    name: "journal: a flipped byte inside a binary record",
    corrupt: (d) => flip(join(d, "journal.ndjson"), 40),
    file: "journal.ndjson",
    message: /journal\.ndjson:1 \(field crc\): record 1 \(binary, at byte 0\) fails its checksum/,
  },
  {
    name: "journal: a binary record's length damaged",
    corrupt: (d) => flip(join(d, "journal.ndjson"), 2),
    file: "journal.ndjson",
    message: /journal\.ndjson:1 \(field length\): record 1 \(binary, at byte 0\) has a damaged length/,
  },
  {
    name: "journal: a binary record holding an unknown op (re-sealed)",
    // The header (9 bytes), version 4 and seq 3 (one byte each), then the op's kind.
    corrupt: (d) => editRecord(d, 0, (r) => (r[11] = 9)),
    file: "journal.ndjson",
    message: /journal\.ndjson:1 \(field op\): record 1 \(binary\) holds an op of unknown kind 9/,
  },
  {
    name: "journal: a binary record from a newer version (re-sealed)",
    corrupt: (d) => editRecord(d, 0, (r) => (r[9] = JOURNAL_VERSION + 1)),
    file: "journal.ndjson",
    message: /journal\.ndjson:1 \(field version\).*newer Loom/,
  },
  {
    name: "journal: a line whose checksum key is gone",
    corrupt: (d) => editJournal(d, (l) => l.map((x, i) => (i === 0 ? x.replace(/,"crc":"[0-9a-f]{8}"/, "") : x))),
    file: "journal.ndjson",
    message: /journal\.ndjson:1 \(field crc\): line 1 has no checksum/,
  },
  {
    name: "journal: missing, with a snapshot older than the session",
    corrupt: (d) => rmSync(join(d, "journal.ndjson")),
    file: "journal.ndjson",
    message: /journal is missing: operations after the snapshot \(seq 2\) may be lost/,
  },
  {
    name: "snapshot: a flipped byte inside a frame",
    corrupt: (d) => flip(join(d, "loom.json"), 60),
    file: "loom.json",
    message: /\(field frame \d+\): frame \d+ at byte \d+ \(\w+\) fails its checksum/,
  },
  {
    name: "snapshot: cut short at a frame boundary",
    corrupt: async (d) => {
      const file = join(d, "loom.json");
      const buf = readFileSync(file);
      writeFileSync(
        file,
        buf.subarray(0, buf.length - 10 - Buffer.byteLength(JSON.stringify({ nodes: 5, decisions: 2 }))),
      );
    },
    file: "loom.json",
    message: /ends without its end frame/,
  },
  {
    name: "snapshot: cut short inside a frame",
    corrupt: (d) => writeFileSync(join(d, "loom.json"), readFileSync(join(d, "loom.json")).subarray(0, 200)),
    file: "loom.json",
    message: /frame \d+ at byte \d+ .*cut short/,
  },
  {
    name: "brief: not TOML",
    brief: "brief.toml",
    corrupt: (d) => writeFileSync(join(d, "brief.toml"), 'title = "x"\nvoice = "unterminated\n'),
    file: "brief.toml",
    message: /brief\.toml:2 .*not valid TOML/,
  },
  {
    name: "brief: unknown key",
    brief: "brief.toml",
    corrupt: (d) => writeFileSync(join(d, "brief.toml"), 'title = "x"\ntone = "dry"\n'),
    file: "brief.toml",
    message: /brief\.toml \(field tone\): unknown key "tone"/,
  },
  {
    name: "brief: wrong type",
    brief: "brief.toml",
    corrupt: (d) => writeFileSync(join(d, "brief.toml"), 'lean_into = "one thing"\n'),
    file: "brief.toml",
    message: /brief\.toml \(field lean_into\).*list of strings/,
  },
];

function bytesOf(dir: string, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = join(prefix, entry.name);
    if (entry.isDirectory()) for (const [k, v] of bytesOf(dir, rel)) out.set(k, v);
    else out.set(rel, readFileSync(join(dir, rel)).toString("base64"));
  }
  return out;
}

describe("a damaged manifest (a log derived from the loom) is reported, line by line, and the loom still opens", () => {
  it.each([
    [
      "a truncated line in the middle",
      (l: string[]) => l.map((x, i) => (i === l.length - 2 ? x.slice(0, 30) : x)),
      /manifest\.ndjson:2 \(field \(whole line\)\): line 2 is not valid JSON/,
    ],
    [
      "a wrong action behind a good checksum",
      (l: string[]) =>
        l.map((x, i) =>
          i === l.length - 1 ? sealJson(JSON.stringify({ ...JSON.parse(x), crc: undefined, action: "pick" })) : x,
        ),
      /manifest\.ndjson:3 \(field action\)/,
    ],
    [
      "a flipped byte",
      (l: string[]) => l.map((x, i) => (i === 2 ? x.replace('"choose"', '"chooze"') : x)),
      /manifest\.ndjson:3 \(field crc\): line 3 fails its checksum/,
    ],
  ] as const)("%s", async (name, edit, message) => {
    const dir = join(tmp, `manifest-${name.replace(/\W+/g, "-")}`);
    cpSync(base, dir, { recursive: true });
    editManifest(dir, edit as (l: string[]) => string[]);
    const { loom, warnings } = await readSession(dir);
    expect(Object.keys(loom.decisions)).toHaveLength(3);
    expect(warnings.join("\n")).toMatch(message);
  });
});

describe("malformed inputs", () => {
  it("has at least 20 cases", () => expect(cases.length).toBeGreaterThanOrEqual(20));

  it.each(cases.map((c, i) => [i + 1, c.name, c] as const))(
    "%i. %s: rejected with file and field, nothing written",
    async (i, _name, c) => {
      const dir = join(tmp, `case-${i}`);
      if (c.brief) mkdirSync(dir, { recursive: true });
      else cpSync(base, dir, { recursive: true });
      await c.corrupt(dir);
      const before = bytesOf(dir);
      let error: unknown;
      try {
        if (c.brief) await loadBrief(join(dir, c.brief));
        else await (await openSession(dir)).close();
      } catch (e) {
        error = e;
      }
      expect(IoError.isInstance(error), `expected an IoError, got ${String(error)}`).toBe(true);
      const io = error as IoError;
      expect(io.file).toBe(join(dir, c.file));
      expect(io.message).toContain(join(dir, c.file));
      expect(io.message).toMatch(typeof c.message === "function" ? c.message() : c.message);
      expect(io.field ?? io.line, "names a field or line").toBeDefined();
      expect(bytesOf(dir)).toEqual(before); // no lock, no temp file, no truncation, no repair
    },
  );
});
