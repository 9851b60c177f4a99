// A session written by format version 2 (tokens as JSON arrays in the snapshot and the journal) opens as that build read it, and a writer moves it to version 3 (packed tokens) without losing anything.
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { addCandidates, choose, currentText, LoomSchema, sequentialEnv } from "@loom/core";
import { afterAll, describe, expect, it } from "vitest";
import { fsckSession, openSession, readCurrentPath, readSession } from "./index.js";
import { sealPieces } from "./line-seal.js";
import { encodeOp } from "./snapshot-codec.js";
import { JOURNAL_VERSION } from "./formats.js";
import { journalRecords } from "./test-support/journal-file.js";
import { readSnapshotRecord } from "./test-support/snapshot-file.js";

const fixture = fileURLToPath(new URL("./__fixtures__/v2-session", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "loom-v2-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const plain = (x: unknown) => JSON.parse(JSON.stringify(x));
/**
 * The loom as the version-2 build read these files (see __fixtures__/v2-session/SOURCE.md), with the defaults of
 * fields the loom gained since (tree marks, undo), as today's schema fills them in.
 */
const expected = plain(LoomSchema.parse(JSON.parse(readFileSync(join(fixture, "expected-loom.json"), "utf8"))));

function copy(name: string): string {
  const dir = join(tmp, name);
  cpSync(fixture, dir, { recursive: true, filter: (src) => !/SOURCE\.md|expected-loom\.json/.test(src) });
  return dir;
}

describe("the version-2 format", () => {
  it("reads as the version-2 build read it, snapshot and journal alike, writing nothing", async () => {
    const dir = copy("read");
    const before = readFileSync(join(dir, "journal.ndjson"));
    const read = await readSession(dir);
    expect(read.warnings).toEqual([]);
    expect(plain(read.loom)).toEqual(expected);
    // The node whose texts are outside Latin-1, with tokens lacking ids and logprobs, came through exactly.
    const odd = Object.values(read.loom.nodes).find((n) => n.text.startsWith(" café"))!;
    expect(odd.tokens!.toArray()).toStrictEqual(expected.nodes[odd.id].tokens);
    expect(readFileSync(join(dir, "journal.ndjson"))).toEqual(before);
    const view = await readCurrentPath(dir);
    expect(view.text).toBe(currentText(read.loom));
  });

  it("a journal holding version-2 lines and then version-3 lines (a crash before the upgrade's snapshot) replays whole", async () => {
    const dir = copy("mixed");
    const journal = join(dir, "journal.ndjson");
    const lastSeq = JSON.parse(readFileSync(journal, "utf8").trim().split("\n").at(-1)!).seq as number;
    const { loom } = await readSession(dir);
    const env = sequentialEnv();
    const open = Object.values(loom.decisions).find((d) => d.action === null)!;
    const ops = [
      choose(loom, open.id, open.candidateNodeIds[1]!, "human", "mixed"),
      addCandidates(
        loom,
        open.candidateNodeIds[1]!,
        [{ text: " é", tokens: [{ text: " é", id: 3, logprob: -0.25 }] }],
        {
          env,
        },
      ).op,
    ];
    const lines = ops.map((op, i) => {
      const e = encodeOp(op);
      return sealPieces(`{"version":3,"seq":${lastSeq + 1 + i},"op":${e.head}`, e.nodes, e.tail).toString("utf8");
    });
    expect(lines[1]).toMatch(/"tokens":"[A-Za-z0-9+/]+=*"/);
    appendFileSync(journal, lines.join(""));
    const read = await readSession(dir);
    // The resolution's manifest line was never appended (as a crash between the two appends leaves it).
    expect(read.warnings).toEqual([expect.stringMatching(/1 decision\(s\) in the journal had no manifest line/)]);
    expect(plain(read.loom)).toEqual(plain(loom));
  });

  it("a writer rewrites it at the current version with packed tokens; reopened, nothing changed but what was added", async () => {
    const dir = copy("write");
    const session = await openSession(dir);
    expect(plain(session.loom)).toEqual(expected);
    const env = sequentialEnv();
    const tip = session.loom.currentPath.at(-1)!;
    const open = Object.values(session.loom.decisions).find((d) => d.action === null)!;
    session.mutate((l) => choose(l, open.id, open.candidateNodeIds[0]!, "human", "after the upgrade", env));
    const added = session.mutate((l) =>
      addCandidates(
        l,
        open.candidateNodeIds[0]!,
        [{ text: " new", tokens: [{ text: " new", id: 7, logprob: -1.5 }] }],
        {
          env,
        },
      ),
    );
    const live = plain(session.loom);
    expect(tip).toBe(open.parentNodeId);
    // The new candidates are a binary record (packed tokens, not an array of token objects); the resolution a JSON line of the current version.
    const buf = readFileSync(join(dir, "journal.ndjson"));
    const records = journalRecords(buf);
    expect(records.at(-1)!.binary).toBe(true);
    const resolution = records.at(-2)!;
    expect(JSON.parse(buf.toString("utf8", resolution.start, resolution.end)).version).toBe(JOURNAL_VERSION);
    await session.close();

    const snap = await readSnapshotRecord(join(dir, "loom.json"));
    expect(snap.version).toBe(6); // token lists in token frames of their own (since version 5), nodes in columns (6)
    const read = await readSession(dir);
    expect(read.warnings).toEqual([]);
    expect(plain(read.loom)).toEqual(live);
    expect(read.loom.nodes[added.nodeIds[0]!]!.tokens!.toArray()).toStrictEqual([
      { text: " new", id: 7, logprob: -1.5 },
    ]);
    const report = await fsckSession(dir);
    expect(report.problems).toEqual([]);
  });
});
