// A session written by the previous format (one JSON snapshot, gzipped or plain; journal and manifest lines without checksums) still opens, and is rewritten in the current format.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { addCandidates, choose, createLoom, currentText, sequentialEnv, type LoomOp } from "@loom/core";
import { afterAll, describe, expect, it } from "vitest";
import { manifestLine } from "./manifest-line.js";
import { openSession, readSession } from "./index.js";
import { readSnapshotRecord } from "./test-support/snapshot-file.js";

const tmp = mkdtempSync(join(tmpdir(), "loom-v1-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A version-1 session as the previous build wrote it: snapshot after one decision, a second one in the journal. */
function writeV1(dir: string, gzip: boolean) {
  const env = sequentialEnv();
  const loom = createLoom({ seed: "Old", sessionId: "s-v1" }, env);
  const a = addCandidates(loom, loom.rootId, [{ text: " times" }, { text: " friends" }], { env });
  choose(loom, a.decisionId, a.nodeIds[1]!, "human", "warmer", env);
  const manifest1 = JSON.stringify({ ...manifestLine(loom, loom.decisions[a.decisionId]!), version: 1 }) + "\n";
  const snapshot = JSON.stringify({
    format: "loom-snapshot",
    version: 1,
    seq: 2,
    manifestBytes: Buffer.byteLength(manifest1),
    loom,
  });
  const ops: LoomOp[] = [];
  const b = addCandidates(loom, a.nodeIds[1]!, [{ text: " met" }], { env });
  ops.push(b.op);
  ops.push(choose(loom, b.decisionId, b.nodeIds[0]!, "auto", "only one", env));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "loom.json"), gzip ? gzipSync(snapshot) : snapshot);
  writeFileSync(
    join(dir, "journal.ndjson"),
    ops.map((op, i) => JSON.stringify({ version: 1, seq: 3 + i, op }) + "\n").join(""),
  );
  writeFileSync(
    join(dir, "manifest.ndjson"),
    manifest1 + JSON.stringify({ ...manifestLine(loom, loom.decisions[b.decisionId]!), version: 1 }) + "\n",
  );
}

describe("the version-1 format", () => {
  it.each([true, false])("loads (gzipped: %s), and a writer rewrites it framed and sealed", async (gzip) => {
    const dir = join(tmp, `v1-${gzip}`);
    writeV1(dir, gzip);
    const read = await readSession(dir);
    expect(read.warnings).toEqual([]);
    expect(currentText(read.loom)).toBe("Old friends met");
    const session = await openSession(dir);
    expect(readFileSync(join(dir, "loom.json")).subarray(0, 16).toString()).toBe("loom-snapshot 2\n");
    expect((await readSnapshotRecord(join(dir, "loom.json"))).seq).toBe(4);
    await session.close();
    const again = await readSession(dir);
    expect(again.warnings).toEqual([]);
    expect(again.loom).toEqual(read.loom);
  });
});
