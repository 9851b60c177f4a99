// The current path in chunks of PATH_CHUNK entries: texts Loom may hold survive, commits across chunk boundaries read back
// as the whole loom says, and a database at schema version 2 (one row per depth) moves to chunks.
import {
  addCandidates,
  checkout,
  choose,
  createLoom,
  currentText,
  editNode,
  sequentialEnv,
  type Loom,
} from "@loom/core";
import { IoError, type Session } from "@loom/io";
import fc from "fast-check";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { postgresSessionStore, type PostgresSessionStore } from "./index.js";
import { PATH_CHUNK, pathWrite } from "./path-rows.js";
import { decodePathText, encodePathText } from "./path-text.js";
import { storePerFile } from "./test-support/store-per-file.js";
import { testDatabase } from "./test-support/test-database.js";

const pg = storePerFile();

/** Texts a text column cannot carry as they are (NUL, a lone surrogate), the escape character, and ordinary prose. */
const AWKWARD = [
  " a\u0000b",
  " back\\slash",
  " \\u0041 literal",
  "\n\tnew line",
  " lone \uD800",
  "\uDC00 low",
  " 🕷 web",
  "",
];

/** Grow `session` by `steps` decisions, each choosing one of two candidates with awkward texts. */
function grow(session: Session, steps: number, env: ReturnType<typeof sequentialEnv>): void {
  for (let i = 0; i < steps; i++) {
    const tip = session.loom.currentPath[session.loom.currentPath.length - 1]!;
    const texts = [0, 1].map((k) => ({ text: `${AWKWARD[(i + k) % AWKWARD.length]} ${i}` }));
    const { decisionId, nodeIds } = session.mutate((l) => addCandidates(l, tip, texts, { env }));
    session.mutate((l) => choose(l, decisionId, nodeIds[i % 2]!, "human", "grow", env));
  }
}

async function expectShowsAsLoom(s: PostgresSessionStore, id: string, loom: Loom): Promise<void> {
  const view = await s.show(id);
  expect(view.path).toEqual(loom.currentPath);
  expect(view.segments).toEqual(loom.currentPath.map((n) => loom.nodes[n]!.text.length));
  expect(view.text).toBe(currentText(loom));
}

describe("the current path in chunks", () => {
  it("stores any text as it is but for the few characters a text column cannot carry", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        const stored = encodePathText(text);
        expect(stored.includes("\u0000")).toBe(false);
        // Well-formed UTF-16: it survives UTF-8, which is how it is sent.
        expect(Buffer.from(stored, "utf8").toString("utf8")).toBe(stored);
        expect(decodePathText(stored)).toBe(text);
      }),
    );
    expect(encodePathText("plain prose, “quoted”")).toBe("plain prose, “quoted”");
    expect(decodePathText("ends in \\")).toBeNull();
    expect(decodePathText("\\q")).toBeNull();
  });

  it("reads back as the whole loom through commits that cross, cut and edit across chunk boundaries", async () => {
    const env = sequentialEnv();
    const session = await pg.store.create("deep", createLoom({ seed: "Root\u0000" }, env));
    grow(session, PATH_CHUNK + 5, env);
    await session.flush();
    await expectShowsAsLoom(pg.store, "deep", session.loom);
    // Back to the last entry of chunk 0, then to the first of chunk 1, then grow again past the boundary.
    session.mutate((l) => checkout(l, l.currentPath[PATH_CHUNK - 1]!));
    await session.flush();
    await expectShowsAsLoom(pg.store, "deep", session.loom);
    grow(session, 3, env);
    const mid = session.loom.currentPath[PATH_CHUNK - 2]!;
    session.mutate((l) => editNode(l, mid, " edited \u0000 mid", env));
    await session.flush();
    await expectShowsAsLoom(pg.store, "deep", session.loom);
    grow(session, PATH_CHUNK * 2, env);
    await session.close();
    const other = postgresSessionStore(pg.db.url);
    try {
      const { loom } = await other.read("deep");
      expect(loom.currentPath.length).toBeGreaterThan(PATH_CHUNK * 2);
      await expectShowsAsLoom(other, "deep", loom);
    } finally {
      await other.close();
    }
  });

  it("appends to the tip's chunk when the path only grew, one commit a step, and reads back as the loom", async () => {
    const env = sequentialEnv();
    const session = await pg.store.create("appended", createLoom({ seed: "Root\u0000" }, env));
    const steps = async (n: number) => {
      for (let i = 0; i < n; i++) {
        grow(session, 1, env);
        await session.flush();
      }
    };
    await steps(PATH_CHUNK + 3);
    await expectShowsAsLoom(pg.store, "appended", session.loom);
    // What such a commit writes: the new entries only, appended to the chunk at the old tip.
    const { loom } = session;
    const depth = loom.currentPath.length;
    const grown = pathWrite(loom, depth - 2, depth - 2);
    expect(grown.keep).toBe((depth - 2) % PATH_CHUNK);
    expect(grown.chunks).toHaveLength(1);
    expect(grown.chunks[0]!.ids).toBe(
      loom.currentPath
        .slice(-2)
        .map((n) => JSON.stringify(n))
        .join(","),
    );
    // A path that was cut first, or grew from a chunk's start, is written whole from that chunk on.
    expect(pathWrite(loom, depth - 2, depth).keep).toBeUndefined();
    expect(pathWrite(loom, PATH_CHUNK, PATH_CHUNK).keep).toBeUndefined();
    // Cut back into chunk 0, grow across the boundary again a step at a time, cut mid-chunk and grow.
    session.mutate((l) => checkout(l, l.currentPath[PATH_CHUNK - 3]!));
    await steps(5);
    await expectShowsAsLoom(pg.store, "appended", session.loom);
    session.mutate((l) => checkout(l, l.currentPath[PATH_CHUNK + 1]!));
    await steps(2);
    await session.close();
    const other = postgresSessionStore(pg.db.url);
    try {
      const { loom: read } = await other.read("appended");
      expect(read.currentPath.length).toBe(PATH_CHUNK + 4);
      await expectShowsAsLoom(other, "appended", read);
    } finally {
      await other.close();
    }
  });

  it("adds a grown path's entries as a row of the tip's chunk, leaving its rows as they were, one row once full", async () => {
    const env = sequentialEnv();
    const session = await pg.store.create("parts", createLoom({ seed: "Root" }, env));
    const sql = postgres(pg.db.url, { max: 1, onnotice: () => {} });
    const rows = () => sql<{ chunk: number; part: number; xmin: string }[]>`select chunk, part, xmin::text as xmin
      from loom_path_chunks where session_id = 'parts' order by chunk, part`;
    const step = async (n: number) => {
      for (let i = 0; i < n; i++) {
        grow(session, 1, env);
        await session.flush();
      }
    };
    try {
      const [first] = await rows();
      await step(2);
      const grown = await rows();
      expect(grown.map((r) => [r.chunk, r.part])).toEqual([
        [0, 0],
        [0, 1],
        [0, 2],
      ]);
      // Schema 7 rewrote the chunk's one row with the entries appended, every commit.
      expect(grown[0]!.xmin).toBe(first!.xmin);
      await step(PATH_CHUNK - 1);
      expect((await rows()).map((r) => [r.chunk, r.part])).toEqual([
        [0, 0],
        [1, 0],
        [1, 1],
      ]);
      await expectShowsAsLoom(pg.store, "parts", session.loom);
      // A part that does not start where its chunk's rows end is named.
      await sql`delete from loom_path_chunks where session_id = 'parts' and chunk = 1 and part = 0`;
      const gap = await pg.store.show("parts").catch((e: unknown) => e);
      expect(IoError.isInstance(gap) && gap.field).toBe("path.chunks.1.1");
    } finally {
      await session.close();
      await sql.end({ timeout: 5 });
    }
  });

  it("reads a database at schema version 7 (a row per chunk) as it is, and grows its chunks on from there", async () => {
    const env = sequentialEnv();
    const loom = createLoom({ seed: "Seven\u0000" }, env);
    for (let i = 0; i < PATH_CHUNK + 5; i++) {
      const tip = loom.currentPath[loom.currentPath.length - 1]!;
      const { decisionId, nodeIds } = addCandidates(loom, tip, [{ text: ` s${i}` }], { env });
      choose(loom, decisionId, nodeIds[0]!, "human", "on", env);
    }
    // A database of its own: this file's other sessions hold rows version 7's key cannot.
    const db = await testDatabase();
    const store = postgresSessionStore(db.url);
    await (await store.create("seven", loom)).close();
    await store.close();
    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    try {
      // What version 7 left: one row per chunk, keyed by the chunk alone.
      await sql`alter table loom_path_chunks drop constraint loom_path_chunks_pkey`;
      await sql`alter table loom_path_chunks drop column part`;
      await sql`alter table loom_path_chunks add primary key (session_id, chunk)`;
      await sql`delete from loom_schema_migrations where version >= 8`;
    } finally {
      await sql.end({ timeout: 5 });
    }
    const later = postgresSessionStore(db.url);
    try {
      await expectShowsAsLoom(later, "seven", loom);
      const session = await later.open("seven");
      for (let i = 0; i < PATH_CHUNK; i++) {
        grow(session, 1, env);
        await session.flush();
      }
      await session.close();
      const { loom: read } = await later.read("seven");
      expect(read.currentPath.length).toBe(2 * PATH_CHUNK + 6);
      await expectShowsAsLoom(later, "seven", read);
    } finally {
      await later.close();
      await db.dispose();
    }
  });

  it("moves a database at schema version 2 (a row per depth) to chunks, and commits on from there", async () => {
    const env = sequentialEnv();
    const first = await pg.store.create("old", createLoom({ seed: "Old\u0000" }, env));
    grow(first, PATH_CHUNK + 20, env);
    await first.close();
    const empty = await pg.store.create("old-broken", createLoom({ seed: "Broken" }, env));
    await empty.close();
    const { loom } = await pg.store.read("old");
    const sql = postgres(pg.db.url, { max: 1, onnotice: () => {} });
    // What version 2 left: loom_path as its migration made it, one row per depth with the text as a JSON literal.
    const toVersion2 = async (rows: { id: string; path: string[]; texts: string[] }[]) => {
      await sql`drop table loom_path_chunks`;
      await sql`drop function loom_commit`;
      await sql`delete from loom_schema_migrations where version >= 3`;
      await sql`create table loom_path (session_id text not null references loom_sessions (id) on delete cascade,
        depth integer not null, node_id text not null, text_json text not null, primary key (session_id, depth))`;
      for (const r of rows)
        await sql`insert into loom_path (session_id, depth, node_id, text_json)
          select ${r.id}, t.ord::integer - 1, t.node, t.text
          from unnest(${r.path}::text[], ${r.texts}::text[]) with ordinality as t(node, text, ord)`;
    };
    try {
      const texts = loom.currentPath.map((n) => JSON.stringify(loom.nodes[n]!.text));
      await toVersion2([
        { id: "old", path: loom.currentPath, texts },
        { id: "old-broken", path: ["r", "n_1"], texts: ['"Broken"', "42"] },
      ]);
      // A damaged row stops the migration, naming the session and the row; nothing of it is kept.
      const refusing = postgresSessionStore(pg.db.url);
      const refused = await refusing.show("old").catch((e: unknown) => e);
      await refusing.close();
      expect(IoError.isInstance(refused) && refused.field).toBe("loom_path.1");
      expect((refused as Error).message).toContain("#old-broken");
      const [kept] = await sql<{ n: number }[]>`select count(*)::int as n from loom_path`;
      expect(kept!.n).toBe(loom.currentPath.length + 2);

      await sql`delete from loom_path where session_id = 'old-broken'`;
      const later = postgresSessionStore(pg.db.url);
      try {
        await expectShowsAsLoom(later, "old", loom);
        const [left] = await sql<
          { n: number }[]
        >`select count(*)::int as n from pg_tables where tablename = 'loom_path'`;
        expect(left!.n).toBe(0);
        const session = await later.open("old");
        grow(session, 10, env);
        session.mutate((l) => checkout(l, l.currentPath[3]!));
        grow(session, 2, env);
        await session.close();
        const { loom: after } = await later.read("old");
        expect(after.currentPath.length).toBe(6);
        await expectShowsAsLoom(later, "old", after);
      } finally {
        await later.close();
      }
    } finally {
      await sql.end({ timeout: 5 });
    }
  });
});
