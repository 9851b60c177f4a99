// The reading commands' view from the digest stored with the snapshot equals the view computed from a whole read: on a closed session, with journal ops beyond the snapshot, without a digest, and with a damaged one.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  addCandidates,
  addHumanNode,
  answerClarification,
  checkout,
  choose,
  createLoom,
  editNode,
  loomDigest,
  resolveDecision,
  sessionSummary,
  sequentialEnv,
  type LoomEnv,
} from "@loom/core";
import { afterAll, describe, expect, it } from "vitest";
import { createSession, IoError, openSession, readSession, readSessionView, type Session } from "./index.js";
import { pathFrameOffset, rewritePathFrame } from "./test-support/snapshot-file.js";

const tmp = mkdtempSync(join(tmpdir(), "loom-view-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const tokens = (text: string, lp: number) => [{ text, logprob: lp, top: [{ text: " z", logprob: lp - 1 }] }];

/** One step of a run: three candidates with logprobs, one chosen. */
function step(s: Session, env: LoomEnv, i: number): string[] {
  const tip = s.loom.currentPath.at(-1)!;
  const { decisionId, nodeIds } = s.mutate((l) =>
    addCandidates(
      l,
      tip,
      [0, 1, 2].map((k) => ({ text: ` w${i}.${k}`, tokens: tokens(` w${i}.${k}`, -1 - k - (i % 3)) })),
      { env },
    ),
  );
  s.mutate((l) => choose(l, decisionId, nodeIds[(i * 7) % 3]!, i % 2 ? "auto" : "selector_llm", `r${i}`, env));
  return nodeIds;
}

/**
 * A session with what a long piece has: 130 decisions (more than the digest keeps), a clarification
 * answered, the human's own text, an edit, and a branch grown off the path and then left (so the tree
 * around the tip has folded branches with nodes below them).
 */
async function writeSession(dir: string): Promise<void> {
  const env = sequentialEnv();
  const s = await createSession(dir, createLoom({ seed: "Once", sessionId: "s-view" }, env));
  for (let i = 0; i < 120; i++) step(s, env, i);
  const fork = s.loom.currentPath.at(-3)!;
  const branchTop = s.loom.nodes[s.loom.currentPath.at(-2)!]!;
  // A branch from three steps up: checkout a sibling, grow it two steps, come back.
  const sibling = Object.values(s.loom.nodes).find((n) => n.parentId === fork && n.id !== branchTop.id)!;
  const back = s.loom.currentPath.at(-1)!;
  s.mutate((l) => checkout(l, sibling.id));
  step(s, env, 200);
  step(s, env, 201);
  s.mutate((l) => checkout(l, back));
  const open = s.mutate((l) => addCandidates(l, back, [{ text: " p" }, { text: " q" }], { env }));
  s.mutate((l) =>
    resolveDecision(
      l,
      open.decisionId,
      {
        action: "clarify",
        chosenBy: "selector_llm",
        question: "which?",
        candidatesInTension: open.nodeIds,
        whatHingesOnIt: "tone",
      },
      env,
    ),
  );
  s.mutate((l) =>
    answerClarification(
      l,
      open.decisionId,
      "the quiet one",
      { action: "choose", chosenNodeId: open.nodeIds[1]!, chosenBy: "human", reason: "asked" },
      env,
    ),
  );
  const human = s.mutate((l) => addHumanNode(l, l.currentPath.at(-1)!, " and then, I wrote this.", env));
  s.mutate((l) => choose(l, human.decisionId, human.nodeId, "human", "typed", env));
  s.mutate((l) => editNode(l, human.nodeId, " and then, I wrote that.", env));
  for (let i = 300; i < 308; i++) step(s, env, i);
  await s.close();
}

/** What a whole read gives for the same request. */
async function expected(dir: string, decisions: number, around: number) {
  const { loom } = await readSession(dir);
  const d = loomDigest(loom, { decisions, around });
  return {
    sessionId: loom.sessionId,
    config: loom.config,
    path: loom.currentPath,
    segments: loom.currentPath.map((id) => loom.nodes[id]!.text.length),
    text: loom.currentPath.map((id) => loom.nodes[id]!.text).join(""),
    stats: d.stats,
    decisions: d.decisions.rows,
    tree: {
      mode: d.tree.mode,
      pathLength: d.tree.pathLength,
      tip: d.tree.tip,
      pathAbove: d.tree.pathAbove,
      rows: d.tree.rows,
    },
  };
}

async function expectSameAsWhole(dir: string, decisions: number, around: number, read: "digest" | "full") {
  const view = await readSessionView(dir, { decisions, around, text: true });
  expect(view.read).toBe(read);
  const { read: _r, warnings: _w, summary: _s, ...rest } = view;
  expect(rest).toEqual(await expected(dir, decisions, around));
  return view;
}

describe("readSessionView", () => {
  const dir = join(tmp, "closed");

  it("reads a closed session's totals, latest decisions and tree from the digest, equal to a whole read", async () => {
    await writeSession(dir);
    for (const [n, a] of [
      [1, 0],
      [20, 10],
      [100, 50],
      [10, 3],
    ] as const) {
      await expectSameAsWhole(dir, n, a, "digest");
    }
    const view = await readSessionView(dir, { decisions: 20, around: 20 });
    expect(view.stats.clarifications).toBe(1);
    expect(view.decisions.at(-1)!.decision.chosenBy).toBe("auto");
    expect(view.decisions.some((r) => r.decision.humanResponse === "the quiet one")).toBe(true);
    // The branch grown off the path shows folded, with what lies below it counted.
    expect(view.tree.rows.some((r) => r.level === 1 && r.hiddenDescendants === 6)).toBe(true);
  });

  it("reads the session whole when asked for more than the digest keeps", async () => {
    await expectSameAsWhole(dir, 150, 10, "full");
    await expectSameAsWhole(dir, 10, 60, "full");
  });

  it("brings the digest up to date with a run's ops in the journal beyond the snapshot, as a whole read gives", async () => {
    const copy = join(tmp, "journal");
    await writeSession(copy);
    const before = await readSessionView(copy, { decisions: 20 });
    const w = await openSession(copy, { compactAfterBytes: false });
    let n = 0;
    // Ids of their own and later times: ops of a later run.
    const env: LoomEnv = {
      newId: (k) => `${k}_late${++n}`,
      now: () => new Date(Date.UTC(2027, 0, 1) + n++).toISOString(),
    };
    for (let i = 400; i < 405; i++) step(w, env, i);
    // Left without closing (as after kill -9): the ops are only in the journal.
    (w as unknown as { lock: { release(): void } }).lock.release();
    const view = await expectSameAsWhole(copy, 20, 10, "digest");
    expect(view.stats.resolvedDecisions).toBe(before.stats.resolvedDecisions + 5);
    // A torn last line (a writer killed mid-append): the whole read drops it and says so.
    appendFileSync(join(copy, "journal.ndjson"), '{"version":3,"seq":');
    const torn = await readSessionView(copy, { decisions: 20 });
    expect(torn.read).toBe("full");
    expect(torn.warnings.join("\n")).toMatch(/torn last line/);
    expect(view.path.length).toBe(before.path.length + 5);
  });

  it("reads the session whole when the manifest has lines the snapshot does not vouch for", async () => {
    const copy = join(tmp, "manifest");
    await writeSession(copy);
    const manifest = join(copy, "manifest.ndjson");
    const lines = readFileSync(manifest, "utf8");
    // The last resolution's line again: the whole read audits it; the digest cannot know what it says.
    appendFileSync(manifest, lines.split("\n").at(-2)! + "\n");
    await expectSameAsWhole(copy, 5, 10, "full");
  });

  it("reads the session whole when the snapshot has no digest (written before there was one) or one of another version", async () => {
    for (const [name, edit] of [
      ["none", ({ digest: _d, ...rest }: Record<string, unknown>) => rest],
      ["v2", (p: Record<string, unknown>) => ({ ...p, digest: { ...(p["digest"] as object), version: 2 } })],
    ] as const) {
      const copy = join(tmp, `digest-${name}`);
      await writeSession(copy);
      await rewritePathFrame(join(copy, "loom.json"), edit);
      await expectSameAsWhole(copy, 20, 10, "full");
    }
  });

  it("refuses a damaged digest with an error naming the file and frame, as a whole read does", async () => {
    const copy = join(tmp, "damaged");
    await writeSession(copy);
    const file = join(copy, "loom.json");
    const bytes = readFileSync(file);
    bytes[(await pathFrameOffset(file)) + 5]! ^= 0x20;
    writeFileSync(file, bytes);
    const error = await readSessionView(copy).catch((e: unknown) => e);
    expect(IoError.isInstance(error)).toBe(true);
    expect((error as IoError).code).toBe("checksum");
    expect((error as IoError).message).toMatch(/frame 1 .*\(path\) fails its checksum/);
    expect((error as IoError).file).toBe(file);
    await expect(readSession(copy)).rejects.toThrow(/fails its checksum/);
  });

  it("summarises a session for a list from its digest as a whole read does: open, undecided, awaiting an answer, stopped, and mid-run", async () => {
    const copy = join(tmp, "summary");
    await writeSession(copy);
    let n = 0;
    const env: LoomEnv = {
      newId: (k) => `${k}_sum${++n}`,
      now: () => new Date(Date.UTC(2027, 0, 1) + n++).toISOString(),
    };
    const expectSummary = async (read: "digest" | "full", state: string) => {
      const view = await readSessionView(copy, { decisions: 0, around: 0, summary: true });
      expect(view.read).toBe(read);
      // Asked only for the summary: the text it read for the seed is not handed out.
      expect(view.text).toBeNull();
      expect(view.summary).toEqual(sessionSummary((await readSession(copy)).loom));
      expect(view.summary!.state).toBe(state);
    };
    await expectSummary("digest", "open");
    const change = async (work: (s: Session) => void) => {
      const s = await openSession(copy);
      work(s);
      await s.close();
    };
    let open: { decisionId: string; nodeIds: string[] } | null = null;
    await change((s) => {
      open = s.mutate((l) => addCandidates(l, l.currentPath.at(-1)!, [{ text: " a" }, { text: " b" }], { env }));
    });
    await expectSummary("digest", "open");
    expect((await readSessionView(copy, { summary: true })).summary!.undecided).toBe(true);
    const asked = open!;
    await change((s) => {
      s.mutate((l) =>
        resolveDecision(
          l,
          asked.decisionId,
          {
            action: "clarify",
            chosenBy: "selector_llm",
            question: "?",
            candidatesInTension: asked.nodeIds,
            whatHingesOnIt: "x",
          },
          env,
        ),
      );
    });
    await expectSummary("digest", "awaiting-answer");
    await change((s) => {
      s.mutate((l) =>
        answerClarification(l, asked.decisionId, "neither", { action: "stop", chosenBy: "human", reason: "done" }, env),
      );
    });
    await expectSummary("digest", "stopped");
    // A run's ops beyond the snapshot (left in the journal): the digest is brought up to date.
    const w = await openSession(copy, { compactAfterBytes: false });
    w.mutate((l) => addCandidates(l, l.currentPath.at(-1)!, [{ text: " c" }], { env }));
    (w as unknown as { lock: { release(): void } }).lock.release();
    await expectSummary("digest", "open");
  });
});
