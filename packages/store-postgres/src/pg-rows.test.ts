// What only the PostgreSQL store has to get right: damaged rows named on read, hostile ids kept as data, a writer
// that lost its connection (and so its lock) never committing again.
import { readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { addCandidates, addHumanNode, checkout, choose, createLoom } from "@loom/core";
import { IoError, SessionLockedError } from "@loom/io";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresSessionStore } from "./index.js";
import { testDatabase, type TestDatabase } from "./test-support/test-database.js";
import { writeBatch } from "./write-batch.js";

/** The newest schema version this Loom ships. */
const LATEST = Math.max(...readdirSync(new URL("../migrations/", import.meta.url)).map((n) => Number.parseInt(n, 10)));

let db: TestDatabase;
let sql: postgres.Sql;
beforeAll(async () => {
  db = await testDatabase();
  sql = postgres(db.url, { max: 1, onnotice: () => {} });
});
afterAll(async () => {
  await sql?.end({ timeout: 5 });
  await db?.dispose();
});

describe("the PostgreSQL store's rows", () => {
  it("names the session, record and field of a damaged row, and refuses a schema newer than it knows", async () => {
    const store = postgresSessionStore(db.url);
    try {
      const s = await store.create("damaged", createLoom({ seed: "Once" }));
      const { nodeIds } = s.mutate((l) => addCandidates(l, l.rootId, [{ text: " a", stepLogprob: -1 }]));
      await s.close();
      await sql`update loom_nodes set data = json_build_object('id', id, 'parentId', parent_id, 'text', 42)
        where session_id = 'damaged' and id = ${nodeIds[0]!}`;
      const error = await store.read("damaged").catch((e: unknown) => e);
      expect(IoError.isInstance(error) && error.code).toBe("invalid_field");
      expect((error as IoError).field).toBe(`loom.nodes.${nodeIds[0]}.text`);
      expect((error as Error).message).toContain("#damaged");

      await sql`insert into loom_schema_migrations (version, name) values (999, '999_future.sql')`;
      const later = postgresSessionStore(db.url);
      const refused = await later.list().catch((e: unknown) => e);
      await later.close();
      await sql`delete from loom_schema_migrations where version = 999`;
      expect(IoError.isInstance(refused) && refused.code).toBe("unsupported_version");
      expect((refused as Error).message).toContain(`version 999, newer than this Loom knows (${LATEST})`);
    } finally {
      await store.close();
    }
  });

  it("keeps hostile ids and texts as data", async () => {
    const store = postgresSessionStore(db.url);
    try {
      const id = `it's "x"; drop table loom_sessions; -- ✓ ${"ü".repeat(50)}`;
      const s = await store.create(id, createLoom({ seed: "quote ' backslash \\ nul \u0000 end" }));
      const { decisionId, nodeIds } = s.mutate((l) => addCandidates(l, l.rootId, [{ text: " \u0000'\"" }]));
      s.mutate((l) => choose(l, decisionId, nodeIds[0]!, "human", "it's"));
      await s.close();
      const { loom } = await store.read(id);
      expect(loom.nodes[nodeIds[0]!]!.text).toBe(" \u0000'\"");
      expect(loom.nodes[loom.rootId]!.text).toBe("quote ' backslash \\ nul \u0000 end");
      expect(await store.list()).toContain(id);
      const empty = await store.open("").catch((e: unknown) => e);
      expect(IoError.isInstance(empty) && empty.field).toBe("id");
    } finally {
      await store.close();
    }
  });

  it("commits documents holding U+001E, which separates the documents of one commit, as they are", async () => {
    const store = postgresSessionStore(db.url);
    try {
      const rs = "\u001e";
      const s = await store.create("separator", createLoom({ seed: `seed${rs}` }));
      // Several documents per list in one commit: two ops, three nodes, two side states.
      const { decisionId, nodeIds } = s.mutate((l) =>
        addCandidates(l, l.rootId, [{ text: ` a${rs}b` }, { text: `${rs}` }, { text: " plain" }]),
      );
      s.mutate((l) => choose(l, decisionId, nodeIds[1]!, "human", `because${rs}${rs}`));
      await Promise.all([s.writeState("usage", { note: `x${rs}y` }), s.writeState("other", [rs, 1])]);
      await s.close();
      const { loom } = await store.read("separator");
      expect(nodeIds.map((n) => loom.nodes[n]!.text)).toEqual([` a${rs}b`, `${rs}`, " plain"]);
      expect(loom.decisions[decisionId]!.reason).toBe(`because${rs}${rs}`);
      expect((await store.show("separator")).text).toBe(`seed${rs}${rs}`);
      const ops = await store.opsSince("separator", 0);
      expect(ops?.map((o) => o.op.op)).toEqual(["addCandidates", "resolve"]);
      const reopened = await store.open("separator", { readOnly: true });
      expect(await reopened.readState("usage")).toEqual({ note: `x${rs}y` });
      expect(await reopened.readState("other")).toEqual([rs, 1]);
      await reopened.close();
    } finally {
      await store.close();
    }
  });

  it("keeps a node's tokens packed in its row and its op (version 5), and reads rows holding plain tokens (version 4)", async () => {
    const tokens = (word: string) =>
      [word, " ü✓", '\u001e\\"'].map((text, i) => ({
        text,
        ...(i === 1 ? { id: 7 } : {}),
        logprob: -0.25 * (i + 1),
        top: [
          { text, logprob: -0.25 * (i + 1) },
          { text: ` alt${i}`, logprob: -3, ...(i === 2 ? { id: 0 } : {}) },
        ],
      }));
    const store = postgresSessionStore(db.url);
    try {
      const s = await store.create("packed", createLoom({ seed: "Packed" }));
      const texts = [" one", " two", " three"];
      const { decisionId, nodeIds } = s.mutate((l) =>
        addCandidates(
          l,
          l.rootId,
          texts.map((text) => ({ text, stepLogprob: -1, tokens: tokens(text) })),
        ),
      );
      s.mutate((l) => choose(l, decisionId, nodeIds[1]!, "selector_llm", "two"));
      await s.close();
      const kinds = await sql<{ id: string; kind: string }[]>`select id, json_typeof(data -> 'tokens') as kind
        from loom_nodes where session_id = 'packed' and id = any(${nodeIds}) order by ord`;
      expect(kinds.map((k) => k.kind)).toEqual(["string", "string", "string"]);
      const [op] = await sql<{ kind: string }[]>`select json_typeof(op -> 'nodes' -> 0 -> 'tokens') as kind
        from loom_ops where session_id = 'packed' and seq = 1`;
      expect(op!.kind).toBe("string");
      // Version 4 wrote plain token arrays: the first node's row and the op as it wrote them.
      const plain = { ...(await store.node("packed", nodeIds[0]!))!, tokens: tokens(texts[0]!) };
      await sql`update loom_nodes set data = ${JSON.stringify(plain)}::text::json
        where session_id = 'packed' and id = ${nodeIds[0]!}`;
      const [stored] = await sql<
        { op: string }[]
      >`select op::text as op from loom_ops where session_id = 'packed' and seq = 1`;
      const asV4 = { ...JSON.parse(stored!.op), nodes: [plain] };
      await sql`update loom_ops set op = ${JSON.stringify(asV4)}::text::json where session_id = 'packed' and seq = 1`;
      const { loom } = await store.read("packed");
      expect(nodeIds.map((n) => loom.nodes[n]!.tokens?.toArray())).toEqual(texts.map(tokens));
      expect(nodeIds.map((n) => loom.nodes[n]!.chosenBy)).toEqual([null, "selector_llm", null]);
      expect((await store.children("packed", loom.rootId)).map((n) => n.tokens?.toArray())).toEqual(texts.map(tokens));
      const ops = await store.opsSince("packed", 0);
      const added = ops![0]!.op;
      expect(added.op === "addCandidates" && added.nodes.map((n) => n.tokens?.toArray())).toEqual([tokens(texts[0]!)]);
      // Reopened and committed on: the node chosen now is written packed again, the plain row stays readable.
      const again = await store.open("packed");
      again.mutate((l) => checkout(l, l.rootId));
      await again.close();
      expect((await store.node("packed", nodeIds[0]!))!.tokens?.toArray()).toEqual(tokens(texts[0]!));
      await sql`update loom_nodes set data = json_build_object('id', id, 'parentId', parent_id, 'text', ' two', 'tokens', 'not packed')
        where session_id = 'packed' and id = ${nodeIds[1]!}`;
      const damaged = await store.read("packed").catch((e: unknown) => e);
      expect(IoError.isInstance(damaged) && damaged.field).toBe(`nodes.${nodeIds[1]}.tokens`);
    } finally {
      await store.close();
    }
  });

  it("moves a database at schema version 3 (documents sent as text[]) to version 4's commit, and commits on", async () => {
    const store = postgresSessionStore(db.url);
    const s = await store.create("at-3", createLoom({ seed: "Three" }));
    const { decisionId, nodeIds } = s.mutate((l) => addCandidates(l, l.rootId, [{ text: " one" }, { text: " two" }]));
    s.mutate((l) => choose(l, decisionId, nodeIds[0]!, "human", "first"));
    await s.close();
    await store.close();
    // What version 3 left: its loom_commit, the one taking text[] lists, and no version 4 (nor 5).
    const v3 = await readFile(new URL("../migrations/003_path_chunks.sql", import.meta.url), "utf8");
    await sql`drop function loom_commit`;
    await sql.unsafe(v3.slice(v3.indexOf("create or replace function loom_commit(")));
    await sql`delete from loom_schema_migrations where version >= 4`;
    const later = postgresSessionStore(db.url);
    try {
      const session = await later.open("at-3");
      const tip = session.loom.currentPath[session.loom.currentPath.length - 1]!;
      const next = session.mutate((l) => addCandidates(l, tip, [{ text: " three" }, { text: " four" }]));
      session.mutate((l) => choose(l, next.decisionId, next.nodeIds[1]!, "human", "second"));
      await session.close();
      const signatures = await sql<{ args: string }[]>`select pg_get_function_identity_arguments(oid) as args
        from pg_proc where proname = 'loom_commit'`;
      expect(signatures).toHaveLength(1);
      expect(signatures[0]!.args).toContain("p_node_data text,");
      const { loom } = await later.read("at-3");
      expect(loom.currentPath).toEqual([loom.rootId, nodeIds[0], next.nodeIds[1]]);
      expect((await later.show("at-3")).text).toBe("Three one four");
      expect((await later.opsSince("at-3", 0))?.map((o) => o.op.op)).toEqual([
        "addCandidates",
        "resolve",
        "addCandidates",
        "resolve",
      ]);
    } finally {
      await later.close();
    }
  });

  it("writes new candidates' rows from their op (version 7): the op's JSON byte for byte, in the order added, and moves a version 6 database there", async () => {
    const texts = [" a 🌍", " \u2028b😀", ' "c"\\ ü', " d\ud800"];
    const candidates = texts.map((text) => ({
      text,
      tokens: [{ text, logprob: -0.5, top: [{ text: " 😀", logprob: -1 }] }],
    }));
    // What version 6 left: its loom_commit (rows sent whole), and no version 7.
    const v6 = await readFile(new URL("../migrations/006_path_append.sql", import.meta.url), "utf8");
    const first = postgresSessionStore(db.url);
    await (await first.create("v7-setup", createLoom({ seed: "Set up" }))).close();
    await first.close();
    await sql`drop function loom_commit`;
    await sql.unsafe(v6.slice(v6.indexOf("create or replace function loom_commit(")));
    await sql`delete from loom_schema_migrations where version >= 7`;
    const store = postgresSessionStore(db.url);
    try {
      const s = await store.create("from-op", createLoom({ seed: "Rows" }));
      // A human's node, then candidates under the same parent, then a choice: one commit.
      const human = s.mutate((l) => addHumanNode(l, l.rootId, " human 🙂"));
      const { decisionId, nodeIds } = s.mutate((l) => addCandidates(l, l.rootId, candidates));
      s.mutate((l) => choose(l, decisionId, nodeIds[2]!, "human", "the quoted one"));
      const more = s.mutate((l) => addCandidates(l, nodeIds[2]!, candidates.slice(0, 2)));
      await s.close();
      const signatures = await sql<{ args: string }[]>`select pg_get_function_identity_arguments(oid) as args
        from pg_proc where proname = 'loom_commit'`;
      expect(signatures).toHaveLength(1);
      expect(signatures[0]!.args).toContain("p_node_at integer[]");
      const rows = await sql<{ id: string; data: string }[]>`select id, data::text as data from loom_nodes
        where session_id = 'from-op' and parent_id is not null order by ord`;
      expect(rows.map((r) => r.id)).toEqual([human.nodeId, ...nodeIds, ...more.nodeIds]);
      // Each new candidate's row is a stretch of its op's text, byte for byte (PostgreSQL's json operators would
      // refuse the escaped lone surrogate, so the text is compared here).
      const ops = await sql<{ op: string }[]>`select op::text as op from loom_ops where session_id = 'from-op'`;
      for (const row of rows) {
        expect(JSON.parse(row.data).id).toBe(row.id);
        if (row.id === nodeIds[2]) expect(JSON.parse(row.data).chosenBy).toBe("human");
        else expect(ops.some((o) => o.op.includes(row.data))).toBe(true);
      }
      const { loom } = await store.read("from-op");
      expect(nodeIds.map((id) => loom.nodes[id]!.text)).toEqual(texts);
      expect(nodeIds.map((id) => loom.nodes[id]!.tokens?.toArray())).toEqual(candidates.map((c) => c.tokens));
      expect((await store.children("from-op", loom.rootId)).map((n) => n.id)).toEqual([human.nodeId, ...nodeIds]);
      expect((await store.show("from-op")).text).toBe(`Rows${texts[2]}`);
    } finally {
      await store.close();
    }
  });

  it("reads a database already at its version without the migration lock, and migrates one behind under it", async () => {
    const first = postgresSessionStore(db.url);
    await (await first.create("current", createLoom({ seed: "Now" }))).close();
    await first.close();
    // Another process holds the migration lock (as while it migrates): a store finding the schema current reads on.
    const holder = postgres(db.url, { max: 1, onnotice: () => {} });
    const reader = postgresSessionStore(db.url);
    try {
      await holder`select pg_advisory_lock(${0x6c6f6f6d})`;
      const shown = await Promise.race([
        reader.show("current"),
        new Promise((resolve) => setTimeout(() => resolve("waited"), 5000)),
      ]);
      expect((shown as { text?: string }).text).toBe("Now");
      // One version behind: the store waits for the lock, then migrates.
      await sql`delete from loom_schema_migrations where version = ${LATEST}`;
      const behind = postgresSessionStore(db.url);
      const listed = behind.list();
      const early = await Promise.race([listed, new Promise((resolve) => setTimeout(() => resolve("waiting"), 500))]);
      expect(early).toBe("waiting");
      await holder`select pg_advisory_unlock(${0x6c6f6f6d})`;
      expect(await listed).toContain("current");
      await behind.close();
      const [row] = await sql<{ v: number }[]>`select max(version)::int as v from loom_schema_migrations`;
      expect(row!.v).toBe(LATEST);
    } finally {
      await reader.close();
      await holder.end({ timeout: 5 });
    }
  });

  it("breaks a writer whose connection was cut instead of committing without the lock, and keeps what was committed", async () => {
    const store = postgresSessionStore(db.url);
    try {
      const s = await store.create("cut", createLoom({ seed: "Cut" }));
      const { decisionId, nodeIds } = s.mutate((l) => addCandidates(l, l.rootId, [{ text: " kept" }]));
      s.mutate((l) => choose(l, decisionId, nodeIds[0]!, "human", "kept"));
      await s.flush();
      // The server ends the writer's connection (a restart, a network cut): its advisory lock goes with it. The
      // timeout makes the call wait until the backend is gone (and its lock released).
      await sql`select pg_terminate_backend(writer_backend, 30000) from loom_sessions where id = 'cut'`;
      const other = await store.open("cut"); // the lock is free: a new writer may take the session
      s.mutate((l) => checkout(l, l.rootId));
      const failed = await s.flush().catch((e: unknown) => e);
      expect(IoError.isInstance(failed) && failed.code).toBe("session_broken");
      expect(() => s.mutate((l) => checkout(l, l.rootId))).toThrow(/reopen the session/);
      expect(other.loom.currentPath).toEqual([other.loom.rootId, nodeIds[0]]);
      expect(SessionLockedError.isInstance(await store.open("cut").catch((e: unknown) => e))).toBe(true);
      await other.close();
      await s.close().catch(() => {});
      expect((await store.read("cut")).loom.currentPath).toEqual([expect.any(String), nodeIds[0]]);
    } finally {
      await store.close();
    }
  });

  it("lets go of a commit's documents once it is answered, refused or not (they are most of what a commit allocates)", async () => {
    const queries: { args: unknown[]; parameters: unknown[] }[] = [];
    const spy = Object.assign(Object.create(null), {
      unsafe: (...args: Parameters<postgres.Sql["unsafe"]>) => {
        const query = sql.unsafe(...args);
        queries.push(query as never);
        return query;
      },
    }) as postgres.Sql;
    const batch = {
      fromSeq: 0,
      toSeq: 1,
      opSeqs: [1],
      ops: '{"op":"checkout","nodeId":"n"}',
      nodes: new Map([["n", { parent: null, data: '{"id":"n"}' }]]),
      decisions: new Map(),
      rewriteAll: false,
      head: null,
      path: null,
      state: new Map(),
    };
    // Nobody's writer holds session "absent": the commit is refused, as a cut writer's is.
    const refused = await writeBatch(spy, "absent", batch, "here").catch((e: unknown) => e);
    expect(IoError.isInstance(refused) && refused.code).toBe("session_broken");
    expect(queries).toHaveLength(1);
    expect(queries[0]!.args).toEqual([]);
    expect(queries[0]!.parameters).toEqual([]);
  });

  it("reuses a closed writer's connection for the next open, without its lock, and one that dropped while kept", async () => {
    const store = postgresSessionStore(db.url);
    const elsewhere = postgresSessionStore(db.url);
    const backendOf = async (id: string) =>
      (await sql<{ pid: number }[]>`select writer_backend as pid from loom_sessions where id = ${id}`)[0]!.pid;
    try {
      const a = await store.create("reuse-a", createLoom({ seed: "A" }));
      const first = await backendOf("reuse-a");
      await a.close();
      const b = await store.create("reuse-b", createLoom({ seed: "B" }));
      expect(await backendOf("reuse-b")).toBe(first);
      // The kept connection released A's lock: another process may write A now.
      const aElsewhere = await elsewhere.open("reuse-a");
      await aElsewhere.close();
      await b.close();
      // The kept connection is cut while idle (a server restart): the next open still works, on a new one.
      await sql`select pg_terminate_backend(${first}, 30000)`;
      const c = await store.open("reuse-a");
      expect(await backendOf("reuse-a")).not.toBe(first);
      await c.close();
    } finally {
      await store.close();
      await elsewhere.close();
    }
  });
});
