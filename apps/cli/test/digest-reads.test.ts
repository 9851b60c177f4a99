// show, stats, decisions and tree print the same from the digest kept with the snapshot (brought up to date with a run's ops in the journal) as from a whole read, a damaged digest ends in one clear error, and export -f json streamed off the snapshot equals the export of the whole loom.
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  addCandidates,
  answerClarification,
  checkout,
  choose,
  resolveDecision,
  type Loom,
  type LoomEnv,
} from "@loom/core";
import { createSession, openSession, readSessionView } from "@loom/io";
import { realisticCandidate, realisticLoom } from "@loom/testkit";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, loom, scratch } from "./helpers.js";

let dir: string;
let closed: string;
let journaled: string;
/** A run under way: decisions in the journal past the snapshot, the last one open. */
let running: string;
/** The same session closed (compacted): its snapshot's digest computed from the whole loom. */
let runningClosed: string;
/** A checkout away and back in the journal: an op the digest cannot follow, so the session is read whole. */
let moved: string;

/** Every reading the digest serves, and some it does not reach (read whole either way). */
const READS: string[][] = [
  ["show"],
  ["show", "--segments"],
  ["stats"],
  ["decisions", "--last", "20"],
  ["decisions", "--last", "150"],
  ["tree"],
  ["tree", "--around", "3"],
  ["tree", "--around", "60"],
];

async function readAll(session: string): Promise<string[]> {
  const out: string[] = [];
  for (const args of READS) {
    for (const json of [false, true]) {
      const r = await loom([args[0]!, session, ...args.slice(1), ...(json ? ["--json"] : [])], {
        dir,
        env: { COLUMNS: "100" },
      });
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
      expect(r.stderr).toBe("");
      // JSON compared as values (key order is not part of the format); the session path differs by copy.
      out.push(json ? JSON.stringify({ ...JSON.parse(r.stdout), session: undefined }) : r.stdout);
    }
  }
  return out;
}

/** A branch grown off the path a few steps up, and the path taken up again: the tree has folded branches with nodes below. */
function withBranch(l: Loom, env: LoomEnv): void {
  const rand = () => 0.5;
  const back = l.currentPath.at(-1)!;
  const fork = l.currentPath.at(-4)!;
  const off = Object.values(l.nodes).find((n) => n.parentId === fork && !l.currentPath.includes(n.id))!;
  checkout(l, off.id);
  for (let i = 0; i < 2; i++) {
    const a = addCandidates(l, l.currentPath.at(-1)!, [realisticCandidate(rand), realisticCandidate(rand)], { env });
    choose(l, a.decisionId, a.nodeIds[0]!, "selector_llm", "a detour", env);
  }
  checkout(l, back);
}

beforeAll(async () => {
  ensureBuilt();
  dir = scratch();
  closed = join(dir, "closed");
  const l = realisticLoom({ decisions: 120, branching: 3 });
  // The branch's ids and times follow the builder's (which start at 1 in January 2026).
  let n = 0;
  const env: LoomEnv = {
    newId: (k) => `${k}_branch${++n}`,
    now: () => new Date(Date.UTC(2026, 5, 1) + n++).toISOString(),
  };
  withBranch(l, env);
  const s = await createSession(closed, l);
  await s.close();
  // The same session with an op in the journal beyond the snapshot (a writer that has not compacted):
  // a checkout of the tip it is already at, so the loom is the same but the digest cannot be used.
  journaled = join(dir, "journaled");
  cpSync(closed, journaled, { recursive: true });
  const w = await openSession(journaled, { compactAfterBytes: false });
  w.mutate((l) => checkout(l, l.currentPath.at(-1)!));
  // Released without closing (close would compact): as a writer killed after its commit leaves it.
  (w as unknown as { lock: { release(): void } }).lock.release();

  moved = join(dir, "moved");
  cpSync(closed, moved, { recursive: true });
  const m = await openSession(moved, { compactAfterBytes: false });
  const tip = m.loom.currentPath.at(-1)!;
  m.mutate((l) => checkout(l, l.currentPath.at(-3)!));
  m.mutate((l) => checkout(l, tip));
  (m as unknown as { lock: { release(): void } }).lock.release();

  // A run's steps since its last snapshot: choices (one with scores and a ranking), a clarification and
  // its answer, a reroll that adds to the open decision, and candidates still waiting for a choice.
  running = join(dir, "running");
  cpSync(closed, running, { recursive: true });
  const r = await openSession(running, { compactAfterBytes: false });
  const rand = () => 0.25;
  const offer = (k: number) =>
    r.mutate((l) =>
      addCandidates(
        l,
        l.currentPath.at(-1)!,
        Array.from({ length: k }, () => realisticCandidate(rand)),
        { env },
      ),
    );
  for (let i = 0; i < 3; i++) {
    const a = offer(3);
    r.mutate((l) =>
      resolveDecision(
        l,
        a.decisionId,
        {
          action: "choose",
          chosenNodeId: a.nodeIds[i % 3]!,
          chosenBy: "selector_llm",
          reason: `step ${i}`,
          ranking: [...a.nodeIds].reverse(),
          candidateScores: { [a.nodeIds[0]!]: { pull: 0.5 } },
        },
        env,
      ),
    );
  }
  const asked = offer(2);
  r.mutate((l) =>
    resolveDecision(
      l,
      asked.decisionId,
      {
        action: "clarify",
        chosenBy: "selector_llm",
        question: "Which voice?",
        candidatesInTension: asked.nodeIds,
        whatHingesOnIt: "the register",
      },
      env,
    ),
  );
  r.mutate((l) =>
    answerClarification(
      l,
      asked.decisionId,
      "the second",
      { action: "choose", chosenNodeId: asked.nodeIds[1]!, chosenBy: "human", reason: "asked" },
      env,
    ),
  );
  const open = offer(2);
  r.mutate((l) =>
    addCandidates(l, l.currentPath.at(-1)!, [realisticCandidate(rand)], { env, decisionId: open.decisionId }),
  );
  (r as unknown as { lock: { release(): void } }).lock.release();
  runningClosed = join(dir, "running-closed");
  cpSync(running, runningClosed, { recursive: true });
  await (await openSession(runningClosed)).close();
}, 120_000);

describe("reading commands from the digest", () => {
  it("print exactly what a whole read prints", async () => {
    expect((await readSessionView(closed)).read).toBe("digest");
    const fromDigest = await readAll(closed);

    expect((await readSessionView(moved)).read).toBe("full");
    const whole = await readAll(moved);
    expect(whole).toEqual(fromDigest);
  }, 240_000);

  it("mid-run, show the journal's latest decisions from the digest brought up to date, as a whole read would", async () => {
    // Read while the writer has ops in its journal: the stored digest plus those ops, no whole read.
    expect((await readSessionView(running)).read).toBe("digest");
    expect((await readSessionView(journaled)).read).toBe("digest");
    const midRun = await readAll(running);
    // The same session compacted: the digest a whole loom gives.
    expect((await readSessionView(runningClosed)).read).toBe("digest");
    expect(midRun).toEqual(await readAll(runningClosed));

    const last = JSON.parse((await loom(["decisions", running, "--last", "2", "--json"], { dir })).stdout) as {
      decisions: { action: string; humanResponse: string | null; reason: string }[];
    };
    expect(last.decisions.map((d) => [d.action, d.humanResponse, d.reason])).toEqual([
      ["choose", null, "step 2"],
      ["choose", "the second", "asked"],
    ]);
    const stats = JSON.parse((await loom(["stats", running, "--json"], { dir })).stdout) as Record<string, number>;
    const before = JSON.parse((await loom(["stats", closed, "--json"], { dir })).stdout) as Record<string, number>;
    expect(stats["nodes"]! - before["nodes"]!).toBe(3 * 3 + 2 + 3);
    expect(stats["depth"]! - before["depth"]!).toBe(4);
  }, 240_000);

  it("a damaged digest is one clear error naming the file and frame, for each command", async () => {
    const damaged = join(dir, "damaged");
    cpSync(closed, damaged, { recursive: true });
    const file = join(damaged, "loom.json");
    const bytes = readFileSync(file);
    // The path frame (the digest's) follows the 16-byte marker and the head frame (10-byte header + payload).
    const pathFrame = 16 + 10 + bytes.readUInt32LE(16);
    bytes[pathFrame + 10 + 3]! ^= 0x01;
    writeFileSync(file, bytes);
    for (const args of [["show"], ["stats"], ["decisions", "--last", "20"], ["tree"]]) {
      const r = await loom([args[0]!, damaged, ...args.slice(1)], { dir });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain(file);
      expect(r.stderr).toMatch(/frame 1 .*fails its checksum/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  }, 120_000);
});

describe("export -f json of a closed session (streamed off the snapshot)", () => {
  const exported = async (session: string, extra: string[] = []) => {
    const r = await loom(["export", session, "-f", "json", ...extra], { dir });
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  };

  it("is the document the whole loom gives, and --json wraps it as one document", async () => {
    const streamed = await exported(closed);
    const whole = await exported(journaled); // ops in the journal: the loom is read whole
    expect({ ...streamed, exportedAt: null }).toEqual({ ...whole, exportedAt: null });
    const loomOf = (d: Record<string, unknown>) => d["loom"] as { nodes: object; decisions: object };
    expect(Object.keys(loomOf(streamed).nodes)).toHaveLength(120 * 3 + 1 + 4);
    expect(Object.keys(loomOf(streamed).decisions)).toHaveLength(122);
    const wrapped = await loom(["export", closed, "-f", "json", "--json"], { dir });
    expect(wrapped.stdout.trimEnd().split("\n")).toHaveLength(1);
    const { format, content } = JSON.parse(wrapped.stdout) as { format: string; content: string };
    expect(format).toBe("json");
    expect({ ...JSON.parse(content), exportedAt: null }).toEqual({ ...streamed, exportedAt: null });
  }, 120_000);
});
