// Shared sessions (server replicas): two stores write one session in turns, each following the other's commits.
import { addCandidates, choose, createLoom, LoomError, sequentialEnv } from "@loom/core";
import { SessionLockedError, type SharedSession } from "@loom/io";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresSessionStore, type PostgresSessionStore } from "./index.js";
import { PgSharedSession } from "./shared-session.js";
import { testDatabase, type TestDatabase } from "./test-support/test-database.js";
import { until } from "./test-support/until.js";

let db: TestDatabase;
let a: PostgresSessionStore;
let b: PostgresSessionStore;
beforeAll(async () => {
  db = await testDatabase();
  a = postgresSessionStore(db.url);
  b = postgresSessionStore(db.url, { lockWaitMs: 300 });
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await db?.dispose();
});

/** Open the same session shared in both stores, with the candidates of one open decision at the tip. */
async function twoWriters(
  id: string,
): Promise<{ sa: SharedSession; sb: SharedSession; decisionId: string; nodeIds: string[] }> {
  const env = sequentialEnv();
  const sa = await a.createShared(id, createLoom({ seed: "Shared:", sessionId: id }, env));
  const sb = await b.openShared(id);
  const { decisionId, nodeIds } = await sa.write(async () =>
    sa.mutate((l) => addCandidates(l, l.rootId, [{ text: " one" }, { text: " two" }, { text: " three" }], { env })),
  );
  await until(() => Object.hasOwn(sb.loom.decisions, decisionId), "the other writer to see the candidates");
  return { sa, sb, decisionId, nodeIds };
}

describe("shared sessions", () => {
  it("bring one writer's commits into the other's loom, reporting the ops", async () => {
    const { sa, sb, decisionId, nodeIds } = await twoWriters("follow");
    const seen: (string[] | null)[] = [];
    sb.onRemoteChange((c) => seen.push(c.ops && c.ops.map((o) => o.op)));
    await sa.write(async () => sa.mutate((l) => choose(l, decisionId, nodeIds[1]!, "human", "second")));
    await until(() => sb.loom.currentPath.length === 2, "the choice to reach the other writer");
    expect(sb.loom.currentPath).toEqual(sa.loom.currentPath);
    expect(sb.loom.decisions[decisionId]).toEqual(sa.loom.decisions[decisionId]);
    expect(sb.seq).toBe(sa.seq);
    expect(seen).toEqual([["resolve"]]);
    // Outside a turn nothing is written: a mutate there is a bug, said plainly.
    expect(() => sb.mutate((l) => choose(l, decisionId, nodeIds[0]!, "human", "late"))).toThrow(/outside a write turn/);
    await Promise.all([sa.close(), sb.close()]);
  });

  it("run concurrent turns one at a time, each seeing the others' commits first: one choice wins", async () => {
    const { sa, sb, decisionId, nodeIds } = await twoWriters("race");
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => {
        const s = i % 2 === 0 ? sa : sb;
        return s.write(async () => s.mutate((l) => choose(l, decisionId, nodeIds[i % 3]!, "human", `try ${i}`)));
      }),
    );
    const won = outcomes.filter((o) => o.status === "fulfilled");
    const lost = outcomes.flatMap((o) => (o.status === "rejected" ? [o.reason as Error] : []));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(19);
    for (const e of lost) expect(LoomError.isInstance(e) && e.code === "decision_not_open").toBe(true);
    // Recorded once, by the one turn that found it open.
    const stored = (await a.read("race")).loom;
    expect(stored.currentPath).toHaveLength(2);
    expect(Object.values(stored.decisions).filter((d) => d.action === "choose")).toHaveLength(1);
    await Promise.all([sa.close(), sb.close()]);
  });

  it("fail a turn that waits longer than lockWaitMs, naming the holder, and keep the session usable", async () => {
    const { sa, sb, decisionId, nodeIds } = await twoWriters("busy");
    let release!: () => void;
    const held = sa.write(() => new Promise<void>((r) => (release = r)));
    await until(() => release !== undefined, "the first turn to start");
    await new Promise((r) => setTimeout(r, 50));
    const refused = await sb.write(async () => "never").catch((e: unknown) => e);
    expect(SessionLockedError.isInstance(refused)).toBe(true);
    expect((refused as Error).message).toContain(`process ${process.pid}`);
    expect((refused as Error).message).toContain("its turn did not end within 300 ms: try again");
    release();
    await held;
    await sb.write(async () => sb.mutate((l) => choose(l, decisionId, nodeIds[2]!, "human", "after the wait")));
    expect((await a.read("busy")).loom.decisions[decisionId]!.chosenNodeId).toBe(nodeIds[2]);
    await Promise.all([sa.close(), sb.close()]);
  });
});

describe("following commits nobody announced", () => {
  it("catch up on commits made while the listening connection was lost, once the driver listens again", async () => {
    const follower = postgresSessionStore(db.url, { followPollMs: 600_000 });
    const admin = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      const env = sequentialEnv();
      const writer = await a.create("relisten", createLoom({ seed: "Relisten:", sessionId: "relisten" }, env));
      const { decisionId, nodeIds } = writer.mutate((l) =>
        addCandidates(l, l.rootId, [{ text: " one" }, { text: " two" }], { env }),
      );
      await writer.flush();
      const sf = await follower.openShared("relisten");
      expect(Object.hasOwn(sf.loom.decisions, decisionId)).toBe(true);
      // The follower's listening connection is the only one of this database listening now.
      const killed = await admin<{ pid: number }[]>`select pid from pg_stat_activity
        where datname = current_database() and query like 'listen %' and pid <> pg_backend_pid()
          and pg_terminate_backend(pid)`;
      expect(killed).toHaveLength(1);
      // Committed at once: before the driver has a new connection listening, so its NOTIFY reaches nobody.
      writer.mutate((l) => choose(l, decisionId, nodeIds[1]!, "human", "while nobody listened"));
      await writer.close();
      await until(() => sf.loom.currentPath.length === 2, "the follower to catch up after listening again", 10_000);
      expect(sf.loom.currentPath[1]).toBe(nodeIds[1]);
      await sf.close();
    } finally {
      await admin.end();
      await follower.close();
    }
  });

  it("catch up by asking for the seq now and then when no notification comes at all", async () => {
    const env = sequentialEnv();
    const writer = await a.create("unannounced", createLoom({ seed: "Quiet:", sessionId: "unannounced" }, env));
    const { decisionId, nodeIds } = writer.mutate((l) =>
      addCandidates(l, l.rootId, [{ text: " one" }, { text: " two" }], { env }),
    );
    await writer.flush();
    const reader = postgres(db.url, { max: 2, onnotice: () => {} });
    // A follower whose listening never hears anything (as when the driver gave up listening again).
    const sf = await PgSharedSession.open(
      {
        where: "test#unannounced",
        id: "unannounced",
        reader,
        writer: postgres(db.url, { max: 1, onnotice: () => {} }),
        now: () => new Date(),
        lockWaitMs: 1_000,
        listen: async () => async () => {},
        followPollMs: 100,
      },
      {},
    );
    try {
      const seen: (string[] | null)[] = [];
      sf.onRemoteChange((c) => seen.push(c.ops && c.ops.map((o) => o.op)));
      writer.mutate((l) => choose(l, decisionId, nodeIds[0]!, "human", "unannounced"));
      await writer.close();
      await until(() => sf.loom.currentPath.length === 2, "the follower's poll to find the commit", 10_000);
      expect(sf.loom.currentPath[1]).toBe(nodeIds[0]);
      expect(seen).toEqual([["resolve"]]);
    } finally {
      await sf.close();
      await reader.end();
    }
  });
});
