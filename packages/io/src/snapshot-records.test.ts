// A closed session's records streamed off its snapshot are the loom a whole read gives, in the same order; a session with ops in its journal is not streamed.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addCandidates, checkout, choose, createLoom, sequentialEnv } from "@loom/core";
import { afterAll, describe, expect, it } from "vitest";
import { createSession, openSession, readSession, readSnapshotRecords } from "./index.js";

const tmp = mkdtempSync(join(tmpdir(), "loom-records-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("readSnapshotRecords", () => {
  it("streams every node then every decision as a whole read has them, across many frames", async () => {
    const dir = join(tmp, "s");
    const env = sequentialEnv();
    const s = await createSession(dir, createLoom({ seed: "Once", sessionId: "s-records" }, env));
    // 700 decisions of 3: 2,101 nodes, three node frames of ≤ 1,024 records.
    for (let i = 0; i < 700; i++) {
      const tip = s.loom.currentPath.at(-1)!;
      const a = s.mutate((l) =>
        addCandidates(l, tip, [{ text: ` a${i}` }, { text: ` b${i}`, stepLogprob: -i }, { text: ` c${i}` }], { env }),
      );
      s.mutate((l) => choose(l, a.decisionId, a.nodeIds[i % 3]!, "auto", `r${i}`, env));
    }
    await s.close();
    const { loom } = await readSession(dir);
    const stream = await readSnapshotRecords(dir);
    expect(stream).not.toBeNull();
    const { nodes, decisions, ...rest } = loom;
    expect(stream!.loom).toEqual(rest);
    expect(stream!.text).toBe(loom.currentPath.map((id) => nodes[id]!.text).join(""));
    const seen: [string, string][] = [];
    const records: Record<string, unknown> = {};
    for await (const r of stream!.records()) {
      seen.push([r.kind, r.record.id]);
      records[r.record.id] = r.record;
    }
    expect(seen).toEqual([
      ...Object.keys(nodes).map((id) => ["node", id]),
      ...Object.keys(decisions).map((id) => ["decision", id]),
    ]);
    expect(records).toEqual({ ...nodes, ...decisions });

    const w = await openSession(dir, { compactAfterBytes: false });
    w.mutate((l) => checkout(l, l.currentPath.at(-1)!));
    (w as unknown as { lock: { release(): void } }).lock.release();
    expect(await readSnapshotRecords(dir)).toBeNull();
  });
});
