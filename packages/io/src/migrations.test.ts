import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addCandidates, choose, createLoom, currentText, sequentialEnv } from "@loom/core";
import { afterAll, describe, expect, it } from "vitest";
import { IoError, openSession, readSession } from "./index.js";
import { defaultMigrations, migrate, type MigrationRegistry } from "./internal.js";
import { readSnapshotRecord } from "./test-support/snapshot-file.js";

const tmp = mkdtempSync(join(tmpdir(), "loom-migrate-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A version-0 session: the prototype's loom.json, a bare loom with `version: 0` and no wrapper. */
function writeV0(dir: string) {
  const env = sequentialEnv();
  const loom = createLoom({ seed: "Old", sessionId: "s-old" }, env);
  const a = addCandidates(loom, loom.rootId, [{ text: " times" }, { text: " friends" }], { env });
  choose(loom, a.decisionId, a.nodeIds[1]!, "human", "warmer", env);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "loom.json"), JSON.stringify({ ...loom, version: 0 }, null, 2));
}

describe("format versions and migrations", () => {
  it("reads a fake v0 file through the registered migrations, and rewrites it in the current format when opened for writing", async () => {
    const dir = join(tmp, "v0");
    writeV0(dir);
    const read = await readSession(dir);
    expect(currentText(read.loom)).toBe("Old friends");
    expect(JSON.parse(readFileSync(join(dir, "loom.json"), "utf8")).version).toBe(0); // reading writes nothing

    const s = await openSession(dir);
    const snap = await readSnapshotRecord(join(dir, "loom.json"));
    expect(snap).toMatchObject({
      format: "loom-snapshot",
      version: 6,
      seq: 0,
      loom: { version: 1, sessionId: "s-old" },
    });
    // the manifest was rebuilt for the decision the v0 file held
    expect(JSON.parse(readFileSync(join(dir, "manifest.ndjson"), "utf8"))).toMatchObject({
      version: 2,
      chosenText: " friends",
    });
    await s.close();
  });

  it("applies migrations step by step from a registry, for any file kind", async () => {
    const dir = join(tmp, "custom");
    writeV0(dir);
    const r = await openSession(dir);
    await r.close();
    // a hypothetical older journal line format: {v, n, operation} at version 0
    writeFileSync(
      join(dir, "journal.ndjson"),
      JSON.stringify({ version: 0, n: 1, operation: { op: "checkout", nodeId: r.loom.rootId } }) + "\n",
    );
    const steps: string[] = [];
    const registry: MigrationRegistry = {
      ...defaultMigrations,
      journal: {
        0: ({ n, operation }) => (steps.push("journal 0→1"), { version: 1, seq: n, op: operation }),
      },
    };
    const { loom } = await readSession(dir, { migrations: registry });
    expect(steps).toEqual(["journal 0→1"]);
    expect(loom.currentPath).toEqual([loom.rootId]);
    // without the migration, the same file is an error naming the line and field
    await expect(readSession(dir)).rejects.toThrow(
      /journal\.ndjson:1 \(field version\): no migration for journal format version 0/,
    );
  });

  it("lifts through several versions in order and rejects versions from the future", () => {
    const order: number[] = [];
    const registry: MigrationRegistry = {
      state: {
        [-1 + 1]: (r) => (order.push(0), { ...r, version: 1, a: true }),
      },
    };
    const lifted = migrate("state", { version: 0 }, { file: "x.json" }, registry);
    expect(lifted).toEqual({ record: { version: 1, a: true }, migrated: true });
    expect(order).toEqual([0]);
    try {
      migrate("snapshot", { version: 7 }, { file: "loom.json" });
      expect.unreachable();
    } catch (error) {
      expect(IoError.isInstance(error) && error.code).toBe("unsupported_version");
      expect((error as Error).message).toMatch(
        /loom\.json \(field version\): written by a newer Loom \(snapshot format version 7\); this build reads up to 6/,
      );
    }
  });
});
