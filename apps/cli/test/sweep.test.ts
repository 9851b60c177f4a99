// `loom sweep` and `loom worker` through the built binary against a real PostgreSQL and OpenAI's SDK on the strict replay
// server: a bad plan named by file and field, a small sweep on two workers with one SIGKILLed mid-session (its session
// retried and resumed without paying again), shared rate limits and a 429 that stops every worker, status, show, cancel.
import type { ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createLoom, findInvariantViolations, type Loom } from "@loom/core";
import { postgresSessionStore } from "@loom/store-postgres";
import {
  OPENAI_COMPLETIONS_RULES,
  openaiCompletionReply,
  startStrictReplayServer,
  type StrictReplayServer,
} from "@loom/testkit";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { testDatabase, type TestDatabase } from "../../../packages/store-postgres/src/test-support/test-database.js";
import { ensureBuilt, loom, scratch, sweepPlan } from "./helpers.js";

let db: TestDatabase;
let server: StrictReplayServer;
let dir: string;
/** When each completion request reached the server (ms), and when the one 429 was answered. */
const arrivals: number[] = [];
let refusedAt = 0;
/**
 * When the first worker was killed (ms). The 429 is answered to the first request that arrives 300 ms after it:
 * answered to the worker being killed, it could die before writing the block everyone waits on (one CI run in
 * many did), and the hold for all would go unchecked. Its requests in flight on this machine arrive well before.
 */
let killedAt = 0;

beforeAll(async () => {
  ensureBuilt();
  db = await testDatabase();
  dir = scratch("loom-sweep-");
  server = await startStrictReplayServer(OPENAI_COMPLETIONS_RULES);
  server.setFallback((request) => {
    arrivals.push(Date.now());
    // One 429 mid-sweep, as OpenAI sends it: every worker must hold off for its retry-after.
    if (refusedAt === 0 && killedAt > 0 && Date.now() - killedAt >= 300) {
      refusedAt = Date.now();
      return {
        status: 429,
        headers: { "retry-after": "1" },
        body: {
          error: {
            message: "Rate limit reached for requests",
            type: "requests",
            param: null,
            code: "rate_limit_exceeded",
          },
        },
      };
    }
    // Latency keeps sessions running long enough to kill a worker in the middle of one.
    return { ...openaiCompletionReply(request, arrivals.length), delayMs: 250 };
  });
}, 240_000);

afterAll(async () => {
  await server?.close();
  await db?.dispose();
});

const env = () => ({ LOOM_CUSTOM_API_KEY: "sk-test" });

function writePlan(name: string, body: string): string {
  const file = join(dir, `${name}.toml`);
  writeFileSync(file, body);
  return file;
}

const plan = (name: string) =>
  sweepPlan({
    name,
    baseUrl: server.url,
    seeds: [1, 2],
    repeats: 2,
    maxSteps: 4,
    branchingFactor: 3,
    more: `
[limits.openai]
requests = 4
windowSeconds = 1

[prices."openai:davinci-002"]
inputPerMTok = 2
outputPerMTok = 4
`,
  });

test("a bad plan is refused with the file and the field named; nothing is created", async () => {
  const file = writePlan("bad", plan("bad").replace("branchingFactor = 3", "branchingFactor = 0"));
  const r = await loom(["sweep", file, "--store", db.url], { dir, env: env() });
  expect(r.code).not.toBe(0);
  expect(r.stderr).toContain(file);
  expect(r.stderr).toMatch(/field generators\.davinci\.branchingFactor/);
  const human = writePlan("human", plan("human").replace('mode = "auto"', 'mode = "human"'));
  const h = await loom(["sweep", human, "--store", db.url], { dir, env: env() });
  expect(h.stderr).toMatch(/field selectors\.favourite\.mode: a sweep runs headless/);
  const none = await loom(["sweep", "status", "bad", "--store", db.url], { dir });
  expect(none.stderr).toMatch(/no sweep "bad" in this database/);
  // No database there: one plain error naming it (no password), no stack trace.
  const away = await loom(["worker", "--store", "postgres://loom:secret@127.0.0.1:1/none"], { dir });
  expect(away.code).toBe(1);
  expect(away.stderr).toMatch(/cannot use PostgreSQL at postgres:\/\/loom@127\.0\.0\.1:1\/none/);
  expect(away.stderr).not.toMatch(/secret|\n\s+at /);
  const unnamed = await loom(["sweep", "status"], { dir });
  expect(unnamed.code).toBe(2);
  expect(unnamed.stderr).toMatch(/--store: name the PostgreSQL database/);
}, 60_000);

describe("a sweep on two workers, one killed", () => {
  let killedSession = "";
  let sql: postgres.Sql;
  beforeAll(() => {
    sql = postgres(db.url, { max: 1, onnotice: () => {} });
  });
  afterAll(() => sql?.end({ timeout: 5 }));

  test("every session finishes; the killed one resumes where it stopped; limits and a 429 hold for all", async () => {
    const made = await loom(["sweep", writePlan("study", plan("study")), "--store", db.url, "--json"], {
      dir,
      env: env(),
    });
    expect(made.code, made.stderr).toBe(0);
    expect(JSON.parse(made.stdout)).toMatchObject({ name: "study", sessions: 4, cells: 1 });

    const workerArgs = ["worker", "--store", db.url, "--concurrency", "2", "--lost-after", "2", "--exit-when-idle"];
    let victim: ChildProcess | undefined;
    const killed = loom(workerArgs, { dir, env: env(), timeoutMs: 120_000, onSpawn: (c) => (victim = c) });
    const survivor = loom(workerArgs, { dir, env: env(), timeoutMs: 120_000 });
    // Kill the first worker once one of its sessions has a decision saved and more to go.
    for (let i = 0; i < 600 && !killedSession; i++) {
      const rows = await sql<{ session_id: string }[]>`select session_id from loom_sweep_sessions
        where worker like ${`%:${victim!.pid}`} and state = 'running' and decisions between 1 and 2`;
      if (rows[0]) {
        victim!.kill("SIGKILL");
        killedAt = Date.now();
        killedSession = rows[0].session_id;
      } else await new Promise((r) => setTimeout(r, 50));
    }
    if (!killedSession) {
      const [a, b] = await Promise.all([killed, survivor]);
      throw new Error(`no session of the first worker was caught mid-run:\n${a.stderr}\n---\n${b.stderr}`);
    }
    await killed;
    const done = await survivor;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toMatch(/is gone; handed back for a retry/);

    const status = await loom(["sweep", "status", "study", "--store", db.url, "--json"], { dir });
    const s = JSON.parse(status.stdout);
    expect(s.counts).toEqual({ done: 4 });
    expect(s.decisions).toBe(16);
    expect(s.costUsd).toBeGreaterThan(0);
    // The killed worker's sessions (one or two) keep the error that sent them back, and finished elsewhere.
    expect(s.failures.map((f: { session: string }) => f.session)).toContain(killedSession);
    for (const f of s.failures)
      expect(f).toMatchObject({ state: "done", error: expect.stringMatching(/stopped answering/) });
    const human = await loom(["sweep", "status", "study", "--store", db.url], { dir });
    expect(human.stdout).toMatch(/\[#{30}\] 4\/4 finished \(100%\)/);
    expect(human.stdout).toMatch(/fox\/davinci\/favourite: 4 done \(of 4\)/);

    // Every saved batch of candidates was used: one decision per request, and every decision chose.
    const store = postgresSessionStore(db.url);
    let decisionRecords = 0;
    try {
      for (const id of await store.list()) {
        const l: Loom = (await store.read(id)).loom;
        expect(findInvariantViolations(l)).toEqual([]);
        expect(l.currentPath).toHaveLength(5);
        const decisions = Object.values(l.decisions);
        expect(decisions.every((d) => d.action === "choose")).toBe(true);
        decisionRecords += decisions.length;
      }
    } finally {
      await store.close();
    }
    expect(decisionRecords).toBe(16);
    // 16 paid steps, the 429, and at most the killed worker's two requests in flight.
    expect(arrivals.length).toBeGreaterThanOrEqual(17);
    expect(arrivals.length).toBeLessThanOrEqual(19);

    // The limits: no window of the database's clock held more than 4 requests, and every request was counted.
    const windows = await sql<{ requests: number }[]>`select requests from loom_rate_usage where provider = 'openai'`;
    expect(Math.max(...windows.map((w) => w.requests))).toBeLessThanOrEqual(4);
    // Every request that arrived was counted; the killed worker may have taken a slot (up to its concurrency, 2)
    // and died before its request left (one run in many: 19 counted, 18 arrived).
    const counted = windows.reduce((n, w) => n + w.requests, 0);
    expect(counted).toBeGreaterThanOrEqual(arrivals.length);
    expect(counted).toBeLessThanOrEqual(arrivals.length + 2);
    // The 429 held off every worker for its retry-after, from the moment the block was written (the database's
    // clock: this machine's). Requests that passed the check before that may still land just after it.
    const [block] = await sql<{ until: number }[]>`select extract(epoch from until) * 1000 as until
      from loom_rate_blocks where provider = 'openai'`;
    expect(refusedAt, "the 429 was answered").toBeGreaterThan(killedAt);
    expect(block, "the worker that got the 429 wrote the block").toBeDefined();
    const until = Number(block!.until);
    const blockedFrom = until - 1000;
    expect(blockedFrom).toBeGreaterThanOrEqual(refusedAt - 50);
    expect(arrivals.filter((t) => t > blockedFrom + 300 && t < until - 50)).toEqual([]);
  }, 180_000);

  test("a sweep session is an ordinary session: `loom show` reads it from the database", async () => {
    const r = await loom(["show", `${db.url}#${killedSession}`, "--json"], { dir });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).text).toMatch(/^Once upon a time( \w+){8}$/);
  }, 60_000);

  test("the analysis command reads a sweep's sessions from the database", async () => {
    const r = await loom(["analyze", `${db.url}#study`, "--json"], { dir });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.skipped).toEqual([]);
    expect(report.perSession).toHaveLength(4);
    expect(report.perSession.map((s: { decisions: number }) => s.decisions)).toEqual([4, 4, 4, 4]);
  }, 60_000);

  test("cancel: queued sessions never start, and the workers leave them", async () => {
    // A session an earlier attempt left behind (it stopped before the sweep was written) is kept, not an error.
    const store = postgresSessionStore(db.url);
    const left = await store.create("later:fox:davinci:favourite:s1:r1", createLoom({ seed: "Once upon a time" }));
    await left.close();
    await store.close();
    const file = writePlan("later", plan("later"));
    const made = await loom(["sweep", file, "--store", db.url], { dir, env: env() });
    expect(made.code, made.stderr).toBe(0);
    const again = await loom(["sweep", file, "--store", db.url], { dir, env: env() });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/field name: a sweep "later" already exists in this database/);
    const c = await loom(["sweep", "cancel", "later", "--store", db.url, "--json"], { dir });
    expect(JSON.parse(c.stdout)).toEqual({ sweep: "later", cancelled: 4, running: 0 });
    const before = arrivals.length;
    const w = await loom(["worker", "--store", db.url, "--exit-when-idle"], { dir, env: env(), timeoutMs: 60_000 });
    expect(w.code, w.stderr).toBe(0);
    expect(arrivals.length).toBe(before);
    const s = JSON.parse((await loom(["sweep", "status", "later", "--store", db.url, "--json"], { dir })).stdout);
    expect(s).toMatchObject({ cancelled: true, counts: { cancelled: 4 } });
  }, 60_000);
});
