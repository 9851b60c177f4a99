// `loom serve --store postgres://…` as two real server processes over one database: each sees the other's changes
// live (SSE), concurrent chooses across both give one winner, and a replica killed mid-run loses nothing acknowledged.
import { sessionSummary } from "@loom/core";
import { postgresSessionStore } from "@loom/store-postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabase, type TestDatabase } from "../../../packages/store-postgres/src/test-support/test-database.js";
import { subscribe } from "../../server/test/sse-client.js";
import { ensureBuilt, loom, scratch } from "./helpers.js";
import { call, generate, newSession, type Replica, startReplica } from "./replicas.js";

/** The cluster trusts loopback, so a password is accepted and ignored: it must still never be printed. */
const PASSWORD = "pw-never-shown-7f3a";

let db: TestDatabase;
let dsn: string;
let dir: string;
const replicas: Replica[] = [];
const startReplicaHere = () => startReplica(dsn, dir);

beforeAll(async () => {
  ensureBuilt();
  db = await testDatabase();
  const u = new URL(db.url);
  u.password = PASSWORD;
  dsn = u.toString();
  dir = scratch("loom-replicas-");
  replicas.push(...(await Promise.all([startReplicaHere(), startReplicaHere()])));
}, 240_000);

afterAll(async () => {
  for (const r of replicas) r.child.kill("SIGKILL");
  await db?.dispose();
});

describe("loom serve --store: two replicas over one database", () => {
  it("shows each replica's changes live on the other's event stream", async () => {
    const [a, b] = replicas as [Replica, Replica];
    await newSession(a, "live");
    const onB = await subscribe(`${b.url}/api/sessions/live/events`);
    const onA = await subscribe(`${a.url}/api/sessions/live/events`);
    try {
      await onB.waitFor((e) => e.event === "hello");
      const open = await generate(a, "live");
      const ops = (e: { event: string; data: unknown }) =>
        e.event === "tree-changed" ? ((e.data as { ops: string[] | null }).ops ?? []) : [];
      const added = await onB.waitFor((e) => ops(e).includes("addCandidates"), 30_000);
      expect(added.data).toMatchObject({ remote: true });
      // B read nothing itself: its page now shows A's candidates.
      expect((await call(b, "GET", "/api/sessions/live")).body.open.decision.id).toBe(open.decisionId);

      // And the other way round: B chooses, A's stream hears it, both pages show the same path.
      await onA.waitFor((e) => e.event === "hello");
      const chosen = open.candidateNodeIds[1]!;
      expect(
        (await call(b, "POST", "/api/sessions/live/choose", { decisionId: open.decisionId, nodeId: chosen })).status,
      ).toBe(200);
      await onA.waitFor((e) => ops(e).includes("resolve"), 30_000);
      const [pageA, pageB] = await Promise.all([
        call(a, "GET", "/api/sessions/live"),
        call(b, "GET", "/api/sessions/live"),
      ]);
      expect(pageA.body.currentPath.at(-1)).toBe(chosen);
      expect(pageA.body.currentPath).toEqual(pageB.body.currentPath);
      expect(pageA.body.text).toBe(pageB.body.text);
    } finally {
      onA.close();
      onB.close();
    }
  });

  it("gives 50 concurrent chooses across both replicas exactly one winner, recorded once", async () => {
    const [a, b] = replicas as [Replica, Replica];
    await newSession(b, "race");
    const { decisionId, candidateNodeIds } = await generate(b, "race");
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        call(i % 2 === 0 ? a : b, "POST", "/api/sessions/race/choose", {
          decisionId,
          nodeId: candidateNodeIds[i % candidateNodeIds.length],
          reason: `request ${i}`,
        }),
      ),
    );
    const won = replies.filter((r) => r.status === 200);
    const lost = replies.filter((r) => r.status !== 200);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(49);
    for (const r of lost) {
      expect(r.status).toBe(409);
      expect(r.body.error.code).toBe("decision_not_open");
      expect(r.body.error.message).toContain(`decision "${decisionId}" was already resolved (choose)`);
    }
    // Both replicas took part: the losers came from each.
    expect(new Set(replies.flatMap((r, i) => (r.status === 409 ? [i % 2] : [])))).toEqual(new Set([0, 1]));
    const store = postgresSessionStore(db.url);
    try {
      const { loom: stored } = await store.read("race");
      const decision = stored.decisions[decisionId]!;
      expect(decision.action).toBe("choose");
      expect(stored.currentPath.at(-1)).toBe(decision.chosenNodeId);
      expect(won[0]!.body.tip).toBe(decision.chosenNodeId);
      // The op log holds the choice once: no loser's write slipped in beside it.
      const ops = (await store.opsSince("race", 0))!.map((o) => o.op);
      expect(ops.filter((o) => o.op === "resolve" && o.decisionId === decisionId)).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it("loses no acknowledged decision when a replica is killed mid-run, and the run goes on from the other", async () => {
    const [a, b] = replicas as [Replica, Replica];
    await newSession(a, "kill");
    const acknowledged: { decisionId: string; nodeId: string }[] = [];
    for (let step = 0; step < 3; step++) {
      const open = await generate(a, "kill");
      const nodeId = open.candidateNodeIds[step % open.candidateNodeIds.length]!;
      const res = await call(a, "POST", "/api/sessions/kill/choose", { decisionId: open.decisionId, nodeId });
      expect(res.status).toBe(200);
      acknowledged.push({ decisionId: open.decisionId, nodeId });
    }
    // B serves the session too; then A dies with a step in flight (its answer never comes).
    expect((await call(b, "GET", "/api/sessions/kill")).status).toBe(200);
    const inFlight = call(a, "POST", "/api/sessions/kill/generate", {}).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    a.child.kill("SIGKILL");
    await inFlight;

    // The advisory lock died with A's connection: B takes its turn, with every acknowledged choice in place.
    const open = await generate(b, "kill");
    const page = (await call(b, "GET", "/api/sessions/kill")).body;
    for (const { nodeId } of acknowledged) expect(page.currentPath).toContain(nodeId);
    expect(page.currentPath).toHaveLength(acknowledged.length + 1);
    const next = await call(b, "POST", "/api/sessions/kill/choose", {
      decisionId: open.decisionId,
      nodeId: open.candidateNodeIds[0],
    });
    expect(next.status).toBe(200);
    const { loom: stored } = await (async () => {
      const store = postgresSessionStore(db.url);
      try {
        return await store.read("kill");
      } finally {
        await store.close();
      }
    })();
    expect(stored.currentPath).toHaveLength(acknowledged.length + 2);
    for (const { decisionId, nodeId } of acknowledged) expect(stored.decisions[decisionId]!.chosenNodeId).toBe(nodeId);
    // Replaced, as an operator would: a new replica serves the same session at once.
    const c = await startReplicaHere();
    replicas.push(c);
    expect((await call(c, "GET", "/api/sessions/kill")).body.currentPath).toEqual(stored.currentPath);
  });

  it("lists the store's sessions on a replica that has not opened them as a whole read summarises them", async () => {
    // The replicas left after the kill above: the session is made on one and listed on the other.
    const [, a] = replicas as [Replica, Replica];
    const b = replicas.at(-1)!;
    await newSession(a, "listed");
    await generate(a, "listed");
    const store = postgresSessionStore(db.url);
    try {
      const whole = sessionSummary((await store.read("listed")).loom);
      expect(whole).toMatchObject({ state: "open", undecided: true });
      const { sessions } = (await call(b, "GET", "/api/sessions")).body as { sessions: Record<string, unknown>[] };
      expect(sessions.find((s) => s.id === "listed")).toMatchObject({
        open: false,
        title: whole.title,
        seed: whole.seed,
        steps: whole.steps,
        nodes: whole.nodes,
        state: whole.state,
      });
      // Every session of the store is listed, each once.
      expect(sessions.map((s) => s.id).sort()).toEqual((await store.list()).sort());
    } finally {
      await store.close();
    }
  });

  it("lets one of two replicas creating the same id at once have it; the other says the id is taken", async () => {
    const [, b] = replicas as [Replica, Replica];
    const c = replicas.at(-1)!;
    const made = await Promise.all(
      [b, c, b, c].map((r) => call(r, "POST", "/api/sessions", { seed: "Twice", sessionId: "twice" })),
    );
    expect(made.map((m) => m.status).sort()).toEqual([201, 409, 409, 409]);
    for (const m of made.filter((x) => x.status === 409)) {
      expect(m.body.error).toMatchObject({ code: "session_exists", field: "sessionId" });
    }
  });

  it("never prints the database's password", () => {
    for (const r of replicas) expect(r.output()).not.toContain(PASSWORD);
    expect(replicas[0]!.output()).toContain(new URL(db.url).host);
  });
});

describe("loom serve --store: refusals", () => {
  it("names the flag for a URL that is not PostgreSQL's, without its password", async () => {
    const r = await loom(["serve", "--store", `mysql://root:${PASSWORD}@db/x`], { dir: scratch() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--store");
    expect(r.stderr + r.stdout).not.toContain(PASSWORD);
  });

  it("refuses --store with --dir", async () => {
    const r = await loom(["serve", "--store", "postgres://loom@127.0.0.1/x", "--dir", "s"], { dir: scratch() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--store and --dir/);
  });

  it("fails at start, naming the database without its password, when the database cannot be reached", async () => {
    const r = await loom(["serve", "--store", `postgres://loom:${PASSWORD}@127.0.0.1:1/nowhere`, "--port", "0"], {
      dir: scratch(),
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("cannot use PostgreSQL at postgres://loom@127.0.0.1:1/nowhere");
    expect(r.stderr + r.stdout).not.toContain(PASSWORD);
  });
});
