// `loom migrate` through the built binary, against a real PostgreSQL: a session directory into the database and back,
// whole (loom and side state), and the refusals a user can meet (an existing session, a writer, no database, no flags).
import { join } from "node:path";
import { addCandidates, choose, createLoom, currentText, sequentialEnv, type Loom } from "@loom/core";
import { createSession, readSession, readSessionState } from "@loom/io";
import { postgresSessionStore } from "@loom/store-postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabase, type TestDatabase } from "../../../packages/store-postgres/src/test-support/test-database.js";
import { ensureBuilt, loom, scratch } from "./helpers.js";

let db: TestDatabase;
let dir: string;
/** A loom as stored (JSON): packed token lists become plain tokens, so two looms compare by content. */
const asStored = (loom: Loom): unknown => JSON.parse(JSON.stringify(loom));
let original: unknown;

beforeAll(async () => {
  ensureBuilt();
  db = await testDatabase();
  dir = scratch("loom-migrate-");
  // A session as a run leaves it: realistic candidates (tokens with top alternatives), choices, usage state.
  const env = sequentialEnv();
  const s = await createSession(
    join(dir, "story"),
    createLoom({ seed: "The lighthouse keeper", sessionId: "story" }, env),
  );
  for (let i = 0; i < 30; i++) {
    const tip = s.loom.currentPath.at(-1)!;
    const cands = Array.from({ length: 4 }, (_, k) => ({
      text: ` w${i}.${k}`,
      stepLogprob: -k - 0.5,
      tokens: [{ text: ` w${i}.${k}`, logprob: -k - 0.5, top: [{ text: " the", logprob: -1.5 }] }],
    }));
    const { decisionId, nodeIds } = s.mutate((l) => addCandidates(l, tip, cands, { env }));
    s.mutate((l) => choose(l, decisionId, nodeIds[i % 4]!, "selector_llm", `step ${i}`, env));
  }
  await s.writeState("usage", { calls: 30, inputTokens: 1200, outputTokens: 180 });
  original = asStored(s.loom);
  await s.close();
}, 240_000);

afterAll(() => db?.dispose());

describe("loom migrate", () => {
  it("copies a session into PostgreSQL and back, loom and side state, leaving the source as it was", async () => {
    const into = await loom(["migrate", "--from", "story", "--to", db.url], { dir });
    expect(into.stderr).toBe("");
    expect(into.code).toBe(0);
    expect(into.stdout).toContain("121 nodes, 30 decisions, side state: usage; read back and compared");
    expect(into.stdout).toContain("#story");

    const store = postgresSessionStore(db.url);
    try {
      expect(await store.list()).toEqual(["story"]);
      expect(asStored((await store.read("story")).loom)).toEqual(original);
    } finally {
      await store.close();
    }

    // `loom show` of the database's session reads its path rows: the same text and path as the directory's.
    const [fromRows, fromDir] = await Promise.all([
      loom(["show", `${db.url}#story`, "--json"], { dir }),
      loom(["show", "story", "--json"], { dir }),
    ]);
    expect(fromRows.code).toBe(0);
    const shown = JSON.parse(fromRows.stdout);
    expect(shown).toMatchObject({
      sessionId: "story",
      path: (original as Loom).currentPath,
      text: currentText(original as Loom),
    });
    expect(shown.text).toBe(JSON.parse(fromDir.stdout).text);
    // The same database named as libpq names a Unix socket (postgres://user@/db?host=/dir&port=N).
    if (db.socketUrl) {
      const bySocket = await loom(["show", `${db.socketUrl}#story`, "--json"], { dir });
      expect(bySocket.stderr).toBe("");
      expect(JSON.parse(bySocket.stdout).text).toBe(shown.text);
    }

    const back = await loom(["migrate", "--from", `${db.url}#story`, "--to", "story-back", "--json"], { dir });
    expect(back.code).toBe(0);
    expect(JSON.parse(back.stdout)).toMatchObject({ nodes: 121, decisions: 30, state: ["usage"] });
    const { loom: returned } = await readSession(join(dir, "story-back"));
    expect(asStored(returned)).toEqual(original);
    expect(currentText(returned)).toMatch(/^The lighthouse keeper w0\.0 w1\.1/);
    const warnings: string[] = [];
    expect(await readSessionState(join(dir, "story-back"), "usage", (w) => warnings.push(w))).toEqual({
      calls: 30,
      inputTokens: 1200,
      outputTokens: 180,
    });
    expect(warnings).toEqual([]);
    expect(asStored((await readSession(join(dir, "story"))).loom)).toEqual(original);
  });

  it("refuses to overwrite, to copy a session being written, and says what is wrong", async () => {
    const again = await loom(["migrate", "--from", "story", "--to", db.url], { dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/a session "story" already exists/);

    const store = postgresSessionStore(db.url);
    const writer = await store.open("story");
    try {
      const busy = await loom(["migrate", "--from", `${db.url}#story`, "--to", "busy-copy"], { dir });
      expect(busy.code).toBe(1);
      expect(busy.stderr).toContain(`open for writing by process ${process.pid}`);
    } finally {
      await writer.close();
      await store.close();
    }

    const missing = await loom(["migrate", "--from", "story"], { dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("migrate needs --from and --to");

    const down = await loom(["migrate", "--from", "story", "--to", "postgres://loom@127.0.0.1:1/nothing"], { dir });
    expect(down.code).toBe(1);
    expect(down.stderr).toContain("cannot use PostgreSQL at postgres://loom@127.0.0.1:1/nothing");
  });

  it("takes a session id after # as percent-encoding where it is one, else as written", async () => {
    const into = await loom(["migrate", "--from", "story", "--to", `${db.url}#50%`], { dir });
    expect(into.stderr).toBe("");
    // "50%25" is the same id percent-encoded; "50%" was an internal error (URIError) before.
    const shown = await loom(["show", `${db.url}#50%25`], { dir });
    expect(shown.stdout).toContain("The lighthouse keeper");
    const store = postgresSessionStore(db.url);
    try {
      expect(await store.list()).toContain("50%");
    } finally {
      await store.close();
    }
  });

  it("refuses, as a plain error naming it, a URL or an environment the client would misread", async () => {
    // A LATIN1 client encoding stored "café" as "cafÃ©" and left a session that no longer opened.
    const latin = await loom(["migrate", "--from", "story", "--to", `${db.url}?client_encoding=LATIN1#latin`], { dir });
    expect(latin.code).toBe(1);
    expect(latin.stderr).toMatch(/client_encoding parameter is "LATIN1": Loom's client reads and writes text as UTF-8/);
    // postgres.js reads PGTARGETSESSIONATTRS itself and threw on libpq's own default: an "internal error … a bug".
    const any = await loom(["show", `${db.url}#story`], { dir, env: { PGTARGETSESSIONATTRS: "any" } });
    expect(any.code).toBe(1);
    expect(any.stderr).not.toContain("internal error");
    expect(any.stderr).toContain("the PGTARGETSESSIONATTRS environment variable is any");
    // A password pasted as it is, with a % in it: a URIError from the driver ("internal error") before.
    const pasted = db.url.replace("://loom@", "://loom:50%off@");
    const percent = await loom(["show", `${pasted}#story`], { dir });
    expect(percent.code).toBe(1);
    expect(percent.stderr).toContain("the URL's password is not valid percent-encoding");
    expect(percent.stderr).not.toContain("50%off");
    const service = await loom(["show", `${db.url}#story`], { dir, env: { PGSERVICE: "prod" } });
    expect(service.code).toBe(1);
    expect(service.stderr).toContain("the PGSERVICE environment variable is set");
    const store = postgresSessionStore(db.url);
    try {
      expect(await store.list()).not.toContain("latin");
    } finally {
      await store.close();
    }
  });
});
