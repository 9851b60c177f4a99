// A writer whose connection to PostgreSQL is lost (the server ends it: a restart, an administrator, a proxy's timeout)
// takes its session back on a new connection and saves the next decision, unless another writer got there first.
import { addCandidates, choose, createLoom, defaultEnv, type Loom } from "@loom/core";
import type { Session } from "@loom/io";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresSessionStore } from "./index.js";
import { pgClient } from "./connect.js";
import { takeBackAfterLoss } from "./session-lock-pg.js";
import { type TestDatabase, testDatabase } from "./test-support/test-database.js";

let db: TestDatabase;
let admin: postgres.Sql;
beforeAll(async () => {
  db = await testDatabase();
  admin = postgres(db.url, { max: 1, onnotice: () => {} });
}, 120_000);
afterAll(async () => {
  await admin?.end({ timeout: 5 });
  await db?.dispose();
});

/** One decision at the tip, acknowledged: two candidates, the first chosen. */
async function decide(session: Session, reason: string): Promise<void> {
  const tip = session.loom.currentPath.at(-1)!;
  const { decisionId, nodeIds } = session.mutate((l: Loom) =>
    addCandidates(l, tip, [{ text: ` ${reason}` }, { text: " other" }], { env: defaultEnv }),
  );
  session.mutate((l: Loom) => choose(l, decisionId, nodeIds[0]!, "human", reason));
  await session.flush();
}

/** End the server process that holds session `id`'s writer connection, as a restart or an administrator would. */
async function cut(id: string): Promise<void> {
  const [row] = await admin<{ done: boolean }[]>`select pg_terminate_backend(writer_backend) as done
    from loom_sessions where id = ${id}`;
  expect(row?.done).toBe(true);
  // The client sees its connection close (it connects again on its next statement).
  await new Promise((resolve) => setTimeout(resolve, 100));
}

describe("a writer's lost connection", () => {
  it("is replaced: the session is taken back and the next decision saved, with a warning", async () => {
    const warnings: string[] = [];
    const store = postgresSessionStore(db.url);
    try {
      await (await store.create("back", createLoom({ seed: "The ferry", sessionId: "back" }))).close();
      const open = await store.open("back", { onWarning: (w) => warnings.push(w) });
      await decide(open, "before");
      await cut("back");
      // Before: "this writer no longer holds the session … reopen the session", and the decision was lost.
      await decide(open, "after");
      expect(warnings.join("\n")).toMatch(/connection to PostgreSQL was lost; the session was taken back/);
      // It still holds the session: a second writer is refused, naming this process.
      await expect(store.open("back")).rejects.toThrow(`open for writing by process ${process.pid}`);
      await open.close();
      const { loom } = await store.read("back");
      expect(Object.values(loom.decisions).map((d) => d.reason)).toEqual(["before", "after"]);
      // Lost just before the session closes: its last commit is taken back too, and the lock then let go.
      const last = await store.open("back");
      await cut("back");
      const tip = last.loom.currentPath.at(-1)!;
      const { decisionId, nodeIds } = last.mutate((l: Loom) =>
        addCandidates(l, tip, [{ text: " closing" }], { env: defaultEnv }),
      );
      last.mutate((l: Loom) => choose(l, decisionId, nodeIds[0]!, "human", "closing"));
      await last.close();
      const reread = await store.open("back");
      expect(Object.values(reread.loom.decisions).map((d) => d.reason)).toEqual(["before", "after", "closing"]);
      await reread.close();
    } finally {
      await store.close();
    }
  });

  it("is not replaced when another writer wrote meanwhile, or holds the session: the error says so", async () => {
    const a = postgresSessionStore(db.url);
    const b = postgresSessionStore(db.url);
    try {
      await (await a.create("taken", createLoom({ seed: "The quay", sessionId: "taken" }))).close();
      const first = await a.open("taken");
      await decide(first, "first");
      await cut("taken");
      // Another process opens the session (the lock went with the connection) and decides.
      const other = await b.open("taken");
      await decide(other, "other");
      const ops = async () =>
        (await admin<{ n: number }[]>`select count(*)::int as n from loom_ops where session_id = 'taken'`)[0]!.n;
      const before = await ops();
      // Compacting deletes the ops the rows hold: not from a writer that no longer holds the session.
      await first.compact();
      expect(await ops()).toBe(before);
      await expect(decide(first, "late")).rejects.toThrow(
        /no longer holds the session.*another writer holds the session now/,
      );
      await other.close();
      // With the other writer gone, the session has still moved on from where the first left it.
      const second = await a.open("taken");
      await decide(second, "second");
      await cut("taken");
      const third = await b.open("taken");
      await decide(third, "third");
      await third.close();
      await expect(decide(second, "stale")).rejects.toThrow(/another writer moved the session on meanwhile/);
      const { loom } = await b.read("taken");
      expect(Object.values(loom.decisions).map((d) => d.reason)).toEqual(["first", "other", "second", "third"]);
      await Promise.allSettled([first.close(), second.close()]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("finds a commit that landed before its answer was lost, and does not write it again", async () => {
    const store = postgresSessionStore(db.url);
    try {
      const session = await store.create("landed", createLoom({ seed: "The pier", sessionId: "landed" }));
      await decide(session, "landed");
      const [row] = await admin<{ seq: string }[]>`select seq::text as seq from loom_sessions where id = 'landed'`;
      const seq = Number(row!.seq);
      await cut("landed");
      // What the session's commit would find had the connection gone between the server's commit and its answer.
      const writer = pgClient(db.url, { max: 1, onnotice: () => {} });
      try {
        const [ops] = await admin<{ ops: string }[]>`select string_agg(op::text, ${"\u001e"} order by seq) as ops
          from loom_ops where session_id = 'landed' and seq > ${seq - 2}`;
        // Another writer's ops in those seqs are not this batch's: the session moved on.
        expect(await takeBackAfterLoss(writer, "landed", "landed", () => new Date(), seq - 2, seq, "{}")).toEqual({
          outcome: "lost",
          why: `another writer moved the session on meanwhile (to op ${seq})`,
        });
        expect(await takeBackAfterLoss(writer, "landed", "landed", () => new Date(), seq - 2, seq, ops!.ops)).toEqual({
          outcome: "committed",
        });
        const [marked] = await admin<{ same: boolean }[]>`select writer_backend = (
          select pid from pg_stat_activity where pid = writer_backend) as same from loom_sessions where id = 'landed'`;
        expect(marked?.same).toBe(true);
      } finally {
        await writer.end({ timeout: 5 });
      }
      await session.close().catch(() => {});
    } finally {
      await store.close();
    }
  });
});
