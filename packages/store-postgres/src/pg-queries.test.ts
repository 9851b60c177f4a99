// Reads that do not load the loom: `show`, a node's children and one node equal what the whole loom says, after any op.
import {
  addCandidates,
  checkout,
  choose,
  createLoom,
  currentText,
  editNode,
  mergeNode,
  openDecisionAt,
  redo,
  sequentialEnv,
  splitNode,
  undo,
  type Loom,
} from "@loom/core";
import { seededRandom } from "@loom/core/internal";
import { IoError } from "@loom/io";
import { PATH_CHUNK } from "./path-rows.js";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { postgresSessionStore } from "./index.js";
import { storePerFile } from "./test-support/store-per-file.js";

const pg = storePerFile();

/** What `show` must say, computed from the whole loom. */
function expectedShow(loom: Loom) {
  const tip = loom.currentPath[loom.currentPath.length - 1]!;
  const open = openDecisionAt(loom, tip);
  return {
    sessionId: loom.sessionId,
    path: loom.currentPath,
    segments: loom.currentPath.map((id) => loom.nodes[id]!.text.length),
    text: currentText(loom),
    open: open
      ? { decision: loom.decisions[open], candidates: loom.decisions[open]!.candidateNodeIds.map((c) => loom.nodes[c]) }
      : null,
  };
}

describe("reading a PostgreSQL session without loading it", () => {
  it("shows the path, its text and the open decision as the whole loom does, through random edits, checkouts and undo", async () => {
    const env = sequentialEnv();
    const rand = seededRandom(7);
    const session = await pg.store.create("walk", createLoom({ seed: "The spider \u0000 wove" }, env));
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    for (let step = 0; step < 120; step++) {
      const loom = session.loom;
      const tip = loom.currentPath[loom.currentPath.length - 1]!;
      const open = openDecisionAt(loom, tip);
      const r = rand();
      try {
        if (open && r < 0.5) {
          session.mutate((l) => choose(l, open, pick(l.decisions[open]!.candidateNodeIds), "human", "walk", env));
        } else if (!open && r < 0.45) {
          const texts = Array.from({ length: 3 }, (_, k) => ({ text: ` s${step}.${k}`, stepLogprob: -k - 0.5 }));
          session.mutate((l) => addCandidates(l, tip, texts, { env }));
        } else if (r < 0.6) {
          session.mutate((l) => checkout(l, pick(Object.keys(l.nodes))));
        } else if (r < 0.7) {
          session.mutate((l) => editNode(l, pick(l.currentPath.slice(1).concat(tip)), ` edited ${step}`, env));
        } else if (r < 0.78) {
          const id = pick(loom.currentPath);
          session.mutate((l) => splitNode(l, id, Math.floor(l.nodes[id]!.text.length / 2), env));
        } else if (r < 0.84) {
          session.mutate((l) => mergeNode(l, pick(l.currentPath.slice(1).concat(tip)), env));
        } else if (r < 0.94) {
          session.mutate((l) => undo(l, env));
        } else {
          session.mutate((l) => redo(l, env));
        }
      } catch (error) {
        // An op the loom refuses (nothing to undo, a node that cannot merge) changes nothing: go on.
        if (!(error instanceof Error) || IoError.isInstance(error)) throw error;
      }
      // Several ops per commit sometimes (group commit), one at a time otherwise.
      if (rand() < 0.6) {
        await session.flush();
        const shown = await pg.store.show("walk");
        const { seq: _seq, ...view } = shown;
        expect(view, `after step ${step}`).toEqual(expectedShow(session.loom));
      }
    }
    await session.close();
    // A fresh pg.store (nothing cached) reads the same.
    const other = postgresSessionStore(pg.db.url);
    try {
      const { loom } = await other.read("walk");
      const { seq: _seq, ...view } = await other.show("walk");
      expect(view).toEqual(expectedShow(loom));
      const someParent = loom.nodes[loom.currentPath[loom.currentPath.length - 1]!]!.parentId ?? loom.rootId;
      const children = Object.values(loom.nodes).filter((n) => n.parentId === someParent);
      expect(await other.children("walk", someParent)).toEqual(children);
      expect(await other.node("walk", someParent)).toEqual(loom.nodes[someParent]);
      expect(await other.node("walk", "n_missing")).toBeNull();
    } finally {
      await other.close();
    }
  });

  it("names the session and field of a damaged path row, and a missing session", async () => {
    const session = await pg.store.create("damaged-path", createLoom({ seed: "Once" }));
    await session.close();
    const sql = postgres(pg.db.url, { max: 1, onnotice: () => {} });
    try {
      await sql`update loom_path_chunks set lengths = '42' where session_id = 'damaged-path'`;
      const error = await pg.store.show("damaged-path").catch((e: unknown) => e);
      expect(IoError.isInstance(error) && error.field).toBe("path.chunks.0");
      expect((error as Error).message).toContain("#damaged-path");
      await sql`update loom_path_chunks set lengths = '4', texts = 'On\\' where session_id = 'damaged-path'`;
      const badEscape = await pg.store.show("damaged-path").catch((e: unknown) => e);
      expect(IoError.isInstance(badEscape) && badEscape.field).toBe("path.chunks.0.texts");
    } finally {
      await sql.end({ timeout: 5 });
    }
    const missing = await pg.store.show("nobody").catch((e: unknown) => e);
    expect(IoError.isInstance(missing) && missing.code).toBe("not_a_session");
  });

  it("names the chunk that is wrong in a path of several, which it otherwise reads joined", async () => {
    const loom = createLoom({ seed: "Deep" });
    for (let i = 0; i < PATH_CHUNK * 2 + 10; i++) {
      const tip = loom.currentPath[loom.currentPath.length - 1]!;
      const { decisionId, nodeIds } = addCandidates(loom, tip, [{ text: ` w${i}` }]);
      choose(loom, decisionId, nodeIds[0]!, "human", "on");
    }
    await (await pg.store.create("three-chunks", loom)).close();
    expect((await pg.store.show("three-chunks")).text).toBe(currentText(loom));
    const sql = postgres(pg.db.url, { max: 1, onnotice: () => {} });
    try {
      await sql`delete from loom_path_chunks where session_id = 'three-chunks' and chunk = 1`;
      const missing = await pg.store.show("three-chunks").catch((e: unknown) => e);
      expect(IoError.isInstance(missing) && missing.field).toBe("path.chunks.1");
      expect((missing as Error).message).toContain("chunk 1 is missing");
      await sql`update loom_path_chunks set texts = texts || '\\q' where session_id = 'three-chunks' and chunk = 2`;
      await sql`update loom_path_chunks set chunk = 1 where session_id = 'three-chunks' and chunk = 2`;
      const badEscape = await pg.store.show("three-chunks").catch((e: unknown) => e);
      expect(IoError.isInstance(badEscape) && badEscape.field).toBe("path.chunks.1.texts");
    } finally {
      await sql.end({ timeout: 5 });
    }
  });

  it("fills the path rows of a session written by schema version 1", async () => {
    const env = sequentialEnv();
    const session = await pg.store.create("v1", createLoom({ seed: "Old" }, env));
    const { decisionId, nodeIds } = session.mutate((l) =>
      addCandidates(l, l.rootId, [{ text: " one" }, { text: " two" }], { env }),
    );
    session.mutate((l) => choose(l, decisionId, nodeIds[1]!, "human", "two", env));
    await session.close();
    const sql = postgres(pg.db.url, { max: 1, onnotice: () => {} });
    try {
      // What version 1 left: the path in the head, no path rows, no record of version 2.
      const path = JSON.stringify([session.loom.rootId, nodeIds[1]]);
      const [row] = await sql<{ head: string }[]>`select head::text as head from loom_sessions where id = 'v1'`;
      const head = JSON.stringify({ ...JSON.parse(row!.head), currentPath: JSON.parse(path) });
      await sql`update loom_sessions set head = ${head}::text::json where id = 'v1'`;
      await sql`drop table loom_path_chunks`;
      await sql`delete from loom_schema_migrations where version >= 2`;
    } finally {
      await sql.end({ timeout: 5 });
    }
    const later = postgresSessionStore(pg.db.url);
    try {
      const view = await later.show("v1");
      expect(view.path).toEqual([session.loom.rootId, nodeIds[1]]);
      expect(view.text).toBe("Old two");
      expect((await later.read("v1")).loom.currentPath).toEqual(view.path);
    } finally {
      await later.close();
    }
  });
});
