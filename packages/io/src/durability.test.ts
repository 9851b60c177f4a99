// The faults of issue 9, each reproduced as a user meets it: a broken session closing mid-compaction, a manifest that disagrees with the journal, lock debris, damaged side state.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addCandidates, choose, createLoom, sequentialEnv } from "@loom/core";
import { afterAll, describe, expect, it } from "vitest";
import { nodeFiles, type FileLayer } from "./file-layer.js";
import { createSession, IoError, openSession, readSession } from "./index.js";
import { sealJson } from "./line-seal.js";

const tmp = mkdtempSync(join(tmpdir(), "loom-durability-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(tmp, `s${++n}`);

/** A session with `steps` chosen decisions, closed; returns the decision ids and chosen nodes. */
async function grown(dir: string, steps: number) {
  const env = sequentialEnv();
  const s = await createSession(dir, createLoom({ seed: "Once", sessionId: "s-d" }, env), { compactAfterBytes: false });
  const out: { decisionId: string; chosen: string; other: string }[] = [];
  for (let i = 0; i < steps; i++) {
    const tip = s.loom.currentPath.at(-1)!;
    const { decisionId, nodeIds } = s.mutate((l) =>
      addCandidates(
        l,
        tip,
        [
          { text: ` a${i}`, stepLogprob: -1 },
          { text: ` b${i}`, stepLogprob: -2 },
        ],
        { env },
      ),
    );
    s.mutate((l) => choose(l, decisionId, nodeIds[1]!, "human", `r${i}`, env));
    out.push({ decisionId, chosen: nodeIds[1]!, other: nodeIds[0]! });
  }
  return { session: s, decisions: out, env };
}

const manifestIds = (dir: string) =>
  readFileSync(join(dir, "manifest.ndjson"), "utf8")
    .trimEnd()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { decisionId: string; chosenNodeId: string });

describe("closing a broken session", () => {
  it("waits for the compaction in flight before it releases the lock (no rename lands under the next writer)", async () => {
    const dir = fresh();
    let failWrites = false;
    let renamesAfterClose = 0;
    let closed = false;
    const files: FileLayer = {
      ...nodeFiles,
      // The snapshot's rename is slow, as on a busy disk; journal appends fail once the disk is "full".
      rename: async (from, to) => {
        await new Promise((r) => setTimeout(r, 60));
        if (closed) renamesAfterClose++;
        return nodeFiles.rename(from, to);
      },
      writeSync: (fd, data, offset, length) => {
        if (failWrites) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
        return nodeFiles.writeSync(fd, data, offset, length);
      },
    };
    const env = sequentialEnv();
    const s = await createSession(dir, createLoom({ seed: "Once", sessionId: "s-b" }, env), {
      files,
      compactAfterBytes: false,
    });
    const a = s.mutate((l) => addCandidates(l, l.rootId, [{ text: " a" }], { env }));
    const compaction = s.compact();
    failWrites = true;
    expect(() => s.mutate((l) => choose(l, a.decisionId, a.nodeIds[0]!, "auto", "r", env))).toThrow(
      /the disk is full.*not saved/,
    );
    await s.close();
    closed = true;
    await compaction.catch(() => {});
    await new Promise((r) => setTimeout(r, 150));
    expect(renamesAfterClose).toBe(0);
    expect(existsSync(join(dir, "lock"))).toBe(false);
    // The next writer finds a whole session: the candidates acknowledged, the failed choice absent.
    const next = await openSession(dir);
    expect(next.loom.decisions[a.decisionId]?.action).toBe(null);
    expect(next.warnings).toEqual([]);
    await next.close();
  });
});

describe("the manifest, reconciled with the journal on open", () => {
  it("restores a resolution whose journal line was lost but whose manifest line was written, and never lists it twice", async () => {
    const dir = fresh();
    const { session, decisions } = await grown(dir, 3);
    await session.compact();
    // Resolve one more, then lose its journal line (as power loss after the manifest's group commit but before the journal's can).
    const env = sequentialEnv();
    const tip = session.loom.currentPath.at(-1)!;
    const d = session.mutate((l) =>
      addCandidates(
        l,
        tip,
        [
          { text: " x", stepLogprob: -1 },
          { text: " y", stepLogprob: -3 },
        ],
        { env: { ...env, newId: (k) => `late_${k}_${++n}` } },
      ),
    );
    const before = readFileSync(join(dir, "journal.ndjson")).length;
    session.mutate((l) => choose(l, d.decisionId, d.nodeIds[1]!, "human", "the quieter one", env));
    const journalLines = readFileSync(join(dir, "journal.ndjson"));
    expect(journalLines.length).toBeGreaterThan(before);
    // Abandon the writer as a crash would (no close), then cut the journal's last line.
    (session as unknown as { lock: { release(): void } }).lock.release();
    truncateSync(join(dir, "journal.ndjson"), before);

    const read = await readSession(dir);
    expect(read.loom.decisions[d.decisionId]).toMatchObject({
      action: "choose",
      chosenNodeId: d.nodeIds[1],
      reason: "the quieter one",
      chosenBy: "human",
    });
    expect(read.warnings.join("\n")).toMatch(
      /manifest\.ndjson:4: the journal had lost the resolution of decision late_decision_\d+; restored from this manifest line/,
    );
    const w = await openSession(dir);
    await w.close();
    const again = await readSession(dir);
    expect(again.warnings).toEqual([]);
    expect(again.loom.decisions[d.decisionId]?.chosenNodeId).toBe(d.nodeIds[1]);
    const ids = manifestIds(dir).map((l) => l.decisionId);
    expect(ids).toEqual([...decisions.map((x) => x.decisionId), d.decisionId]);
  });

  it("reports a manifest line that contradicts the loom, a duplicate, and a foreign decision, and writes none over", async () => {
    const dir = fresh();
    const { session, decisions } = await grown(dir, 2);
    // Left as a crash leaves it (no compaction since the start), so every manifest line is after the offset the snapshot vouches for.
    (session as unknown as { lock: { release(): void } }).lock.release();
    const file = join(dir, "manifest.ndjson");
    const lines = readFileSync(file, "utf8").trimEnd().split("\n");
    const edit = (line: string, patch: object) =>
      sealJson(JSON.stringify({ ...JSON.parse(line), crc: undefined, ...patch }));
    writeFileSync(
      file,
      [
        lines[0],
        edit(lines[1]!, { chosenNodeId: decisions[1]!.other }),
        lines[0],
        edit(lines[0]!, { decisionId: "ghost" }),
      ].join("\n") + "\n",
    );
    const bytes = readFileSync(file);
    const s = await openSession(dir);
    const text = s.warnings.join("\n");
    expect(text).toMatch(
      new RegExp(
        `manifest\\.ndjson:2: says decision ${decisions[1]!.decisionId} was choose ${decisions[1]!.other}; the loom says choose ${decisions[1]!.chosen}`,
      ),
    );
    expect(text).toMatch(
      new RegExp(`manifest\\.ndjson:3: repeats decision ${decisions[0]!.decisionId} \\(first listed on line 1\\)`),
    );
    expect(text).toMatch(/manifest\.ndjson:4: records decision ghost, which the loom does not have/);
    await s.close();
    expect(readFileSync(file).subarray(0, bytes.length).equals(bytes)).toBe(true);
    expect(s.loom.decisions[decisions[1]!.decisionId]?.chosenNodeId).toBe(decisions[1]!.chosen);
  });
});

describe("lock debris", () => {
  it.each([
    ["an empty lock file (power loss before the lock was fsynced)", ""],
    ["a garbage lock file", "\u0000\u0000garbage"],
    ["a lock naming pid -1", JSON.stringify({ pid: -1, hostname: "x", startedAt: "", token: "t" })],
  ])("%s does not lock the session forever", async (_name, content) => {
    const dir = fresh();
    await (await grown(dir, 1)).session.close();
    writeFileSync(join(dir, "lock"), content);
    const s = await openSession(dir);
    expect(JSON.parse(readFileSync(join(dir, "lock"), "utf8")).pid).toBe(process.pid);
    await s.close();
  });

  it("a directory where the lock should be is a clear error, and reading still works", async () => {
    const dir = fresh();
    await (await grown(dir, 1)).session.close();
    mkdirSync(join(dir, "lock"));
    const error = await openSession(dir).catch((e: unknown) => e);
    expect(IoError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      new RegExp(`${join(dir, "lock")}: the lock is a directory, not a lock file`),
    );
    expect((await readSession(dir)).warnings).toEqual([]);
  });
});

describe("damaged side state", () => {
  it("is reported, kept aside, and read as absent, so it never blocks a resume", async () => {
    const dir = fresh();
    const { session } = await grown(dir, 1);
    await session.writeState("usage", { requests: 3 });
    await session.close();
    writeFileSync(join(dir, "state", "usage.json"), '{"format":"loom-state","version":1,"name":"usage","val');
    const warnings: string[] = [];
    const s = await openSession(dir, { onWarning: (w) => warnings.push(w) });
    expect(await s.readState("usage")).toBe(null);
    expect(warnings.join("\n")).toMatch(
      /state\/usage\.json \(field \(whole file\)\): not valid JSON.*side state "usage" starts afresh; kept as .*usage\.json\.damaged/,
    );
    await s.writeState("usage", { requests: 0 });
    expect(await s.readState("usage")).toEqual({ requests: 0 });
    await s.close();
    expect(existsSync(join(dir, "state", "usage.json.damaged"))).toBe(true);
  });

  it("written by a newer Loom is not damage: it is refused, not moved", async () => {
    const dir = fresh();
    const { session } = await grown(dir, 1);
    await session.writeState("usage", { requests: 1 });
    writeFileSync(
      join(dir, "state", "usage.json"),
      JSON.stringify({ format: "loom-state", version: 9, name: "usage", value: {} }),
    );
    await expect(session.readState("usage")).rejects.toThrow(/usage\.json \(field version\): written by a newer Loom/);
    expect(existsSync(join(dir, "state", "usage.json"))).toBe(true);
    await session.close();
  });
});
