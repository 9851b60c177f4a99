// A database whose idle_session_timeout reaps idle connections (as hosted services and DBAs set it, per role or
// database): a writer waiting on a person keeps its lock, and the connections Loom keeps idle are still reaped.
import { addCandidates, choose, createLoom, defaultEnv, type Loom, type LoomEnv, sequentialEnv } from "@loom/core";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storePerFile } from "./test-support/store-per-file.js";

/** The server's timeout, in ms: each wait below is two and a half times as long. */
const IDLE_MS = 500;
const pause = () => new Promise((resolve) => setTimeout(resolve, 2.5 * IDLE_MS));

// The store connects on its first statement, after the database's setting below.
const files = storePerFile();
let admin: postgres.Sql;
beforeAll(async () => {
  admin = postgres(files.db.url, { max: 1, onnotice: () => {} });
  const name = new URL(files.db.url).pathname.slice(1);
  // For every new connection to this database, as `ALTER DATABASE … SET` is usually given.
  await admin.unsafe(`alter database ${name} set idle_session_timeout = ${IDLE_MS}`);
}, 120_000);
afterAll(() => admin?.end({ timeout: 5 }));

/** One decision: two candidates at the tip, the first chosen. */
function decide(loom: Loom, i: number, env: LoomEnv) {
  const tip = loom.currentPath.at(-1)!;
  return addCandidates(loom, tip, [{ text: ` a${i}` }, { text: ` b${i}` }], { env });
}

/** Loom's connections to the test database by application name, as the server lists them. */
async function loomConnections(): Promise<number> {
  const [row] = await admin<{ n: number }[]>`select count(*)::int as n from pg_stat_activity
    where datname = current_database() and application_name like 'loom %'`;
  return row!.n;
}

describe("idle_session_timeout on the server", () => {
  it("does not take a writer's lock while it waits between decisions; the next choice is saved", async () => {
    const env = sequentialEnv();
    const session = await files.store.create("idle", createLoom({ seed: "The harbour", sessionId: "idle" }, env));
    for (let i = 0; i < 2; i++) {
      const { decisionId, nodeIds } = session.mutate((l) => decide(l, i, env));
      // A person reads the candidates for longer than the server lets a connection sit idle.
      await pause();
      session.mutate((l) => choose(l, decisionId, nodeIds[0]!, "human", `after a pause ${i}`, env));
      // Before: "this writer no longer holds the session … reopen the session", and the choice was lost.
      await session.flush();
    }
    await session.close();
    const { loom } = await files.store.read("idle");
    expect(Object.keys(loom.decisions)).toHaveLength(2);
    expect(loom.currentPath).toHaveLength(3);
  });

  it("still reaps the connections Loom keeps idle, which reconnect when next used", async () => {
    const session = await files.store.open("idle");
    await session.close();
    // The closed writer's connection is kept for the next open, with the database's timeout given back to it.
    const deadline = Date.now() + 10_000;
    while ((await loomConnections()) > 0) {
      if (Date.now() > deadline) throw new Error("the server did not reap Loom's idle connections");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const again = await files.store.open("idle");
    const env = defaultEnv;
    const { decisionId, nodeIds } = again.mutate((l) => decide(l, 9, env));
    again.mutate((l) => choose(l, decisionId, nodeIds[1]!, "human", "on a new connection", env));
    await again.flush();
    await again.close();
    expect(Object.keys((await files.store.read("idle")).loom.decisions)).toHaveLength(3);
  });

  it("does not take a shared session's lock in a turn that waits (a selector's run waiting on a model)", async () => {
    const env = sequentialEnv();
    const shared = await files.store.createShared("turns", createLoom({ seed: "Turns:", sessionId: "turns" }, env));
    for (let i = 0; i < 2; i++) {
      await shared.write(async () => {
        const { decisionId, nodeIds } = shared.mutate((l) => decide(l, i, env));
        await pause();
        shared.mutate((l) => choose(l, decisionId, nodeIds[0]!, "selector_llm", `turn ${i}`, env));
      });
    }
    await shared.close();
    expect(Object.keys((await files.store.read("turns")).loom.decisions)).toHaveLength(2);
  });
});
