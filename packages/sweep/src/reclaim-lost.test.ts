// The liveness check on a real PostgreSQL and pg-boss: a job a worker took from the queue and never started (the
// worker died between pg-boss's handout and its claim of the session) is handed back for a retry once it has been
// out longer than the limit, and a fresh handout or a claimed session is left alone.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { postgresSessionStore } from "@loom/store-postgres";
import type PgBoss from "pg-boss";
import type { Sql } from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabase, type TestDatabase } from "../../store-postgres/src/test-support/test-database.js";
import { startQueue, type SweepJob } from "./job-queue.js";
import { loadPlan } from "./load-plan.js";
import { reclaimLostSessions } from "./reclaim-lost.js";
import { submitSweep } from "./submit-sweep.js";
import { SWEEP_QUEUE, openSweepDatabase } from "./sweep-tables.js";

const dir = mkdtempSync(join(tmpdir(), "loom-reclaim-"));
let db: TestDatabase;
let sql: Sql;
let boss: PgBoss;

beforeAll(async () => {
  db = await testDatabase();
  const file = join(dir, "orphans.toml");
  writeFileSync(
    file,
    `name = "orphans"
seeds = [1, 2, 3]
maxSteps = 2
[briefs.fox]
seed = "Once upon a time"
[generators.local]
provider = "local"
[selectors.auto]
mode = "auto"
`,
  );
  await submitSweep(db.url, await loadPlan(file));
  sql = await openSweepDatabase(db.url, 2);
  boss = await startQueue(db.url, { supervise: false });
}, 120_000);

afterAll(async () => {
  await boss?.stop({ graceful: false, wait: true });
  await sql?.end({ timeout: 5 });
  await db?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** Take one job from the queue as a worker does, and never start it (the worker is gone). */
async function takeAndVanish(): Promise<PgBoss.Job<SweepJob>> {
  const [job] = (await boss.fetch<SweepJob>(SWEEP_QUEUE, { batchSize: 1 })) ?? [];
  if (!job) throw new Error("no job in the queue");
  return job;
}

const jobState = async (id: string) => (await boss.getJobById(SWEEP_QUEUE, id))?.state;
const row = async (session: string) =>
  (
    await sql<{ state: string; error: string | null }[]>`select state, error from loom_sweep_sessions
    where session_id = ${session}`
  )[0]!;

describe("reclaimLostSessions", () => {
  it("hands back a job taken and never started, once it has been out longer than the limit", async () => {
    const store = postgresSessionStore(db.url);
    const logged: string[] = [];
    const check = () => reclaimLostSessions({ sql, store, boss, lostAfterSeconds: 1, log: (l) => logged.push(l) });
    try {
      const orphan = await takeAndVanish();
      // A handout younger than the limit may still be claimed by a slow worker: left alone.
      expect(await check()).toEqual([]);
      expect(await jobState(orphan.id)).toBe("active");

      // A second job, claimed as a worker claims it (running, heartbeat now): the heartbeat check owns it.
      const claimed = await takeAndVanish();
      await new Promise((r) => setTimeout(r, 1_300));
      await sql`update loom_sweep_sessions set state = 'running', job_id = ${claimed.id}, worker = 'test:1',
        heartbeat_at = now() where session_id = ${claimed.data.session}`;

      expect(await check()).toEqual([orphan.data.session]);
      expect(await jobState(orphan.id)).toBe("retry");
      expect(await row(orphan.data.session)).toEqual({
        state: "lost",
        error: "a worker took its job and stopped before starting it",
      });
      expect(logged.join("\n")).toMatch(/stopped before starting it; handed back for a retry/);
      expect(await jobState(claimed.id)).toBe("active");
      expect((await row(claimed.data.session)).state).toBe("running");

      // Handed back once only: the next check finds nothing more to do.
      expect(await check()).toEqual([]);
    } finally {
      await store.close();
    }
  }, 60_000);
});
