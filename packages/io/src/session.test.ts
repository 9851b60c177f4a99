import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  addCandidates,
  choose,
  createLoom,
  currentText,
  resolveDecision,
  sequentialEnv,
  answerClarification,
  checkout,
} from "@loom/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { nodeFiles } from "./file-layer.js";
import { createSession, IoError, openSession, readSession, SessionLockedError } from "./index.js";
import { encodeSnapshot } from "./snapshot-codec.js";
import { readSnapshotRecord } from "./test-support/snapshot-file.js";

let dir: string;
beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), "loom-io-")), "session");
});
afterEach(() => rmSync(join(dir, ".."), { recursive: true, force: true }));

const env = () => sequentialEnv();

describe("sessions", () => {
  it("compacts once the journal would replay as long as the snapshot loads, before it is the snapshot's size", async () => {
    const e = env();
    const loom = createLoom({ seed: "Once", sessionId: "s-cadence" }, e);
    for (let i = 0; i < 300; i++) {
      const tip = loom.currentPath.at(-1)!;
      const a = addCandidates(loom, tip, [{ text: ` grown ${i}`, stepLogprob: -1 }, { text: ` other ${i}` }], {
        env: e,
      });
      choose(loom, a.decisionId, a.nodeIds[0]!, "auto", "fits", e);
    }
    // What the session counts the snapshot as (the records' JSON a load parses).
    const snapshotBytes = encodeSnapshot(0, loom).jsonLength;
    const journal = join(dir, "journal.ndjson");
    let journalAtCompaction = -1;
    let created = false;
    const files = {
      ...nodeFiles,
      rename: async (from: string, to: string) => {
        if (created && to.endsWith("loom.json") && journalAtCompaction < 0)
          journalAtCompaction = readFileSync(journal).length;
        await nodeFiles.rename(from, to);
      },
    };
    const s = await createSession(dir, loom, { compactAfterBytes: 1, files });
    created = true;
    // Commit until the journal passes 0.72 of the snapshot's size, then stop and wait for a compaction.
    let stoppedAt = 0;
    for (let i = 0; journalAtCompaction < 0; i++) {
      stoppedAt = readFileSync(journal).length;
      if (stoppedAt >= 0.72 * snapshotBytes) break;
      const tip = s.loom.currentPath.at(-1)!;
      const a = s.mutate((l) => addCandidates(l, tip, [{ text: ` more ${i}` }, { text: ` else ${i}` }], { env: e }));
      s.mutate((l) => choose(l, a.decisionId, a.nodeIds[1]!, "auto", "fits", e));
      await new Promise((resolve) => setImmediate(resolve));
    }
    for (let wait = 0; wait < 1000 && journalAtCompaction < 0; wait++) await new Promise((r) => setTimeout(r, 10));
    const compacted = journalAtCompaction;
    await s.close();
    // A journal of 0.7 of the snapshot's size replays about as long as the snapshot loads; the yardstick alone
    // waited for the snapshot's size (half as long again), which the journal never reached here.
    expect(stoppedAt).toBeLessThan(snapshotBytes);
    expect(compacted).toBeGreaterThanOrEqual(0.7 * snapshotBytes);
  });

  it("commits decisions that a reader sees without a close, and closes into a snapshot", async () => {
    const e = env();
    const session = await createSession(dir, createLoom({ seed: "Once upon a time", sessionId: "s1" }, e));
    const root = session.loom.rootId;
    const { decisionId, nodeIds } = session.mutate((l) =>
      addCandidates(
        l,
        root,
        [
          { text: " there", stepLogprob: -1 },
          { text: " here", stepLogprob: -3 },
        ],
        { env: e },
      ),
    );
    session.mutate((l) => choose(l, decisionId, nodeIds[1]!, "human", "less expected", e));

    const seen = await readSession(dir); // no close: the journal alone must carry the decision
    expect(currentText(seen.loom)).toBe("Once upon a time here");
    expect(seen.loom.decisions[decisionId]!.logprobGap).toBe(-2);

    const manifest = readFileSync(join(dir, "manifest.ndjson"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(manifest).toHaveLength(1);
    expect(manifest[0]).toMatchObject({
      version: 2,
      sessionId: "s1",
      decisionId,
      action: "choose",
      chosenNodeId: nodeIds[1],
      chosenText: " here",
      logprobGap: -2,
      chosenBy: "human",
      reason: "less expected",
    });

    await session.close();
    expect(readFileSync(join(dir, "journal.ndjson"), "utf8")).toBe("");
    const snap = await readSnapshotRecord(join(dir, "loom.json"));
    expect(snap).toMatchObject({ format: "loom-snapshot", version: 6, seq: 2 });
    const again = await openSession(dir);
    expect(currentText(again.loom)).toBe("Once upon a time here");
    expect(again.seq).toBe(2);
    again.mutate((l) => checkout(l, root));
    await again.close();
    expect((await readSession(dir)).loom.currentPath).toEqual([root]);
  });

  it("writes clarification question and answer into the manifest line", async () => {
    const e = env();
    const session = await createSession(dir, createLoom({ seed: "The door", sessionId: "s2" }, e));
    const { decisionId, nodeIds } = session.mutate((l) =>
      addCandidates(l, l.rootId, [{ text: " opened" }, { text: " stayed shut" }], { env: e }),
    );
    session.mutate((l) =>
      resolveDecision(
        l,
        decisionId,
        {
          action: "clarify",
          chosenBy: "selector_llm",
          question: "Should it open?",
          candidatesInTension: nodeIds,
          whatHingesOnIt: "the plot",
        },
        e,
      ),
    );
    expect(readFileSync(join(dir, "manifest.ndjson"), "utf8")).toBe(""); // clarify is not final yet
    session.mutate((l) =>
      answerClarification(
        l,
        decisionId,
        "keep it shut",
        { action: "choose", chosenNodeId: nodeIds[1]!, chosenBy: "human", reason: "asked" },
        e,
      ),
    );
    const line = JSON.parse(readFileSync(join(dir, "manifest.ndjson"), "utf8"));
    expect(line).toMatchObject({
      action: "choose",
      clarificationQuestion: "Should it open?",
      humanResponse: "keep it shut",
      chosenText: " stayed shut",
    });
    await session.close();
  });

  it("drops a torn last journal line with a warning, and truncates it when opened for writing", async () => {
    const e = env();
    const session = await createSession(dir, createLoom({ seed: "A", sessionId: "s3" }, e), {
      compactAfterBytes: false,
    });
    session.mutate((l) => addCandidates(l, l.rootId, [{ text: "b" }], { env: e }));
    appendFileSync(join(dir, "journal.ndjson"), '{"version":1,"seq":2,"op":{"op":"chec');
    const read = await readSession(dir);
    expect(read.warnings.join()).toMatch(/journal\.ndjson:2: dropped a torn last line/);
    expect(Object.keys(read.loom.nodes)).toHaveLength(2);
    // the live writer's lock (this process) blocks a second writer, naming the pid
    await expect(openSession(dir)).rejects.toSatisfy(
      (e: unknown) => SessionLockedError.isInstance(e) && String((e as Error).message).includes(String(process.pid)),
    );
    await session.close();
  });

  it("truncates a torn tail on open for writing and keeps committing after it", async () => {
    const e = env();
    const s1 = await createSession(dir, createLoom({ seed: "A", sessionId: "s4" }, e), { compactAfterBytes: false });
    s1.mutate((l) => addCandidates(l, l.rootId, [{ text: "b" }], { env: e }));
    await s1.close();
    const s2 = await openSession(dir, { compactAfterBytes: false });
    s2.mutate((l) => addCandidates(l, l.rootId, [{ text: "c" }], { env: e }));
    appendFileSync(join(dir, "journal.ndjson"), '{"version":1,"seq":2,"o');
    // simulate the crashed writer: drop its lock without compacting
    (s2 as unknown as { lock: { release(): void } }).lock.release();
    const warnings: string[] = [];
    const s3 = await openSession(dir, { onWarning: (w) => warnings.push(w), compactAfterBytes: false });
    expect(warnings).toHaveLength(1);
    expect(readFileSync(join(dir, "journal.ndjson"), "utf8").endsWith("\n")).toBe(true);
    s3.mutate((l) => addCandidates(l, l.rootId, [{ text: "d" }], { env: e }));
    expect(Object.keys((await readSession(dir)).loom.nodes)).toHaveLength(4);
    await s3.close();
  });

  it("keeps side state atomically and refuses writes when read-only", async () => {
    const session = await createSession(dir, createLoom({ seed: "A" }, env()));
    expect(await session.readState("agent")).toBeNull();
    await session.writeState("agent", { messages: [1, 2] });
    expect(await session.readState("agent")).toEqual({ messages: [1, 2] });
    await expect(session.writeState("../evil", 1)).rejects.toThrow(/state name/);
    await session.close();
    const ro = await openSession(dir, { readOnly: true });
    expect(await ro.readState("agent")).toEqual({ messages: [1, 2] });
    expect(() => ro.mutate((l) => checkout(l, l.rootId))).toThrow(/read-only/);
    await ro.close();
  });

  it("refuses to create over an existing session and to open a directory that is not one", async () => {
    const session = await createSession(dir, createLoom({ seed: "A" }, env()));
    await session.close();
    await expect(createSession(dir, createLoom({ seed: "B" }, env()))).rejects.toThrow(/already exists/);
    await expect(openSession(join(dir, "nope"))).rejects.toSatisfy(
      (e: unknown) => IoError.isInstance(e) && (e as IoError).code === "not_a_session",
    );
  });
});
