// rejudgeSessions with scripted judges over generated sessions: the bound on calls in flight, aborting and resuming, a judge's failures kept and retried.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import type { Loom } from "@loom/core";
import { createScriptedSelector, type SelectionContext } from "@loom/selectors";
import { createSession } from "@loom/io";
import { realisticEnv, realisticLoom } from "@loom/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRejudgeFile, rejudgeSessions } from "./index.js";
import { lockRejudgeRecord } from "./rejudge-file.js";

let root: string;
let looms: Loom[];
const dirs = ["a", "b", "c"];
const PER_SESSION = 30;

const tick = () => new Promise((r) => setTimeout(r, 2));
const last = (ctx: SelectionContext) => ({
  action: "choose" as const,
  choice: ctx.candidates.at(-1)!.id,
  reason: "the last",
});

async function verdicts(judge: string) {
  const all = [];
  for (const d of dirs) all.push(...(await readRejudgeFile(join(root, d))).lines.filter((l) => l.judge === judge));
  return all;
}

describe("rejudgeSessions", () => {
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "loom-rejudge-"));
    looms = [];
    for (const [i, d] of dirs.entries()) {
      // Ids of its own per session (the realistic builder numbers every loom's from 1).
      const base = realisticEnv();
      const env = { now: base.now, newId: (k: "node" | "decision" | "session") => `${base.newId(k)}${d}` };
      const loom = realisticLoom({ decisions: PER_SESSION, branching: 4, seed: i + 1 }, env);
      await (await createSession(join(root, d), loom)).close();
      looms.push(loom);
    }
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("keeps at most `concurrency` calls in flight, across sessions, and judges every decision once", async () => {
    let inFlight = 0;
    let most = 0;
    const selector = createScriptedSelector(async (ctx) => {
      most = Math.max(most, ++inFlight);
      await tick();
      inFlight--;
      return last(ctx);
    });
    const s = await rejudgeSessions([root], { selector, judge: "last", concurrency: 3 });
    expect(most).toBe(3);
    expect(s).toMatchObject({ decisions: 3 * PER_SESSION, judged: 3 * PER_SESSION, failed: 0, stopped: null });
    const lines = await verdicts("last");
    expect(new Set(lines.map((l) => `${l.sessionId}/${l.decisionId}`)).size).toBe(lines.length);
    expect(lines).toHaveLength(3 * PER_SESSION);
    for (const l of lines) expect(l.verdict!.choice).toBe(l.candidateNodeIds.at(-1));
  });

  it("an abort stops taking decisions; the rerun judges only the rest", async () => {
    const abort = new AbortController();
    let calls = 0;
    const selector = createScriptedSelector(async (ctx) => {
      if (++calls === 10) abort.abort();
      await tick();
      return last(ctx);
    });
    const first = await rejudgeSessions([root], { selector, judge: "cut", concurrency: 2, signal: abort.signal });
    expect(first.stopped?.error.message).toContain("aborted");
    expect(first.judged).toBeGreaterThanOrEqual(10);
    expect(first.judged).toBeLessThan(3 * PER_SESSION);
    const second = await rejudgeSessions([root], { selector: createScriptedSelector(last), judge: "cut" });
    expect(second.resumed).toBe(first.judged);
    expect(second.judged).toBe(3 * PER_SESSION - first.judged);
    expect(await verdicts("cut")).toHaveLength(3 * PER_SESSION);
  });

  it("a decision the judge fails is recorded with its error and judged again on a rerun", async () => {
    const unlucky = Object.values(looms[1]!.decisions)[4]!.id;
    const flaky = createScriptedSelector((ctx) => {
      if (ctx.decisionId === unlucky) throw new Error("the judge lost its train of thought");
      if (ctx.decisionId === Object.values(looms[2]!.decisions)[0]!.id)
        return { action: "choose", choice: "n_nowhere", reason: "made up" };
      return last(ctx);
    });
    const s = await rejudgeSessions([root], { selector: flaky, judge: "flaky" });
    expect(s.failed).toBe(2);
    expect(s.failures.map((f) => f.error).sort()).toEqual([
      'the judge chose "n_nowhere", which is not one of the decision\'s candidates',
      "the judge lost its train of thought",
    ]);
    const again = await rejudgeSessions([root], { selector: createScriptedSelector(last), judge: "flaky" });
    expect(again).toMatchObject({ judged: 2, resumed: 3 * PER_SESSION - 2, failed: 0 });
    const lines = await verdicts("flaky");
    expect(lines.filter((l) => l.verdict !== null)).toHaveLength(3 * PER_SESSION);
    expect(lines.filter((l) => l.error !== null)).toHaveLength(2);
  });

  it("two runs of one judge at once: each session is judged by one of them, no decision twice, the other says it is busy", async () => {
    const slow = () =>
      createScriptedSelector(async (ctx) => {
        await tick();
        return last(ctx);
      });
    const [a, b] = await Promise.all([
      rejudgeSessions([root], { selector: slow(), judge: "race", concurrency: 2 }),
      rejudgeSessions([root], { selector: slow(), judge: "race", concurrency: 2 }),
    ]);
    expect(a.judged + b.judged).toBe(3 * PER_SESSION);
    const lines = await verdicts("race");
    expect(lines).toHaveLength(3 * PER_SESSION);
    expect(new Set(lines.map((l) => `${l.sessionId}/${l.decisionId}`)).size).toBe(3 * PER_SESSION);
    for (const s of [...a.skipped, ...b.skipped]) expect(s.error).toContain("another re-judging run (process");
    // Whatever one run found busy, the other judged: a rerun has nothing left.
    const again = await rejudgeSessions([root], { selector: createScriptedSelector(last), judge: "race" });
    expect(again).toMatchObject({ judged: 0, resumed: 3 * PER_SESSION, skipped: [] });
  });

  it("a run held off by a live lock skips that session naming the holder; a dead run's lock is taken over", async () => {
    const dir = join(root, "a");
    const held = lockRejudgeRecord(dir);
    try {
      const s = await rejudgeSessions([dir], { selector: createScriptedSelector(last), judge: "held" });
      expect(s.judged).toBe(0);
      expect(s.skipped).toHaveLength(1);
      expect(s.skipped[0]!.error).toContain(`process ${process.pid} on ${hostname()}`);
      expect(s.skipped[0]!.error).toContain("rejudge.lock");
    } finally {
      held.release();
    }
    // A lock as a killed run leaves it: a whole record naming a process that is gone.
    const gone = spawnSync(process.execPath, ["-e", ""]).pid;
    const lock = join(dir, "state", "rejudge.lock");
    writeFileSync(
      lock,
      JSON.stringify({ pid: gone, hostname: hostname(), startedAt: "", processStart: null, token: "t-dead" }),
    );
    const s = await rejudgeSessions([dir], { selector: createScriptedSelector(last), judge: "held" });
    expect(s).toMatchObject({ judged: PER_SESSION, skipped: [] });
    expect(existsSync(lock)).toBe(false);
  });
});
