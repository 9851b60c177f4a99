// Server replicas as a writer meets them: the page of replica B in Chromium follows what is chosen on replica A, and a
// selector's run on one replica streams to the other while that one's actions wait their turn and then say why not.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createScriptedSelector } from "@loom/selectors";
import { type LoomServer, startServer } from "@loom/server";
import { postgresSessionStore, type PostgresSessionStore } from "@loom/store-postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabase, type TestDatabase } from "../../../packages/store-postgres/src/test-support/test-database.js";
import { launchChromium, noBrowser } from "../../server/test/browser.js";
import { subscribe } from "../../server/test/sse-client.js";
import { ensureBuilt, scratch } from "./helpers.js";
import { call, generate, newSession, type Replica, startReplica } from "./replicas.js";

let db: TestDatabase;
beforeAll(async () => {
  db = await testDatabase();
});
afterAll(() => db?.dispose());

describe.skipIf(noBrowser)("the page on replica B", () => {
  const replicas: Replica[] = [];
  afterAll(() => {
    for (const r of replicas) r.child.kill("SIGKILL");
  });

  it("shows the candidates and the choice made on replica A without a reload", async () => {
    ensureBuilt();
    const dir = scratch("loom-page-replicas-");
    replicas.push(...(await Promise.all([startReplica(db.url, dir), startReplica(db.url, dir)])));
    const [a, b] = replicas as [Replica, Replica];
    await newSession(a, "page");
    const browser = await launchChromium(join(dir, "profile"));
    try {
      const page = await browser.newPage();
      await page.goto(`${b.url}/s/page`);
      await page.waitForSelector('[data-testid="status"][data-state="live"]', { timeout: 60_000 });
      const open = await generate(a, "page");
      await page.waitForFunction(
        (n) => document.querySelectorAll("ol.candidates li").length === n,
        open.candidateNodeIds.length,
        {
          timeout: 30_000,
        },
      );
      const chosen = open.candidateNodeIds[2]!;
      expect(
        (await call(a, "POST", "/api/sessions/page/choose", { decisionId: open.decisionId, nodeId: chosen })).status,
      ).toBe(200);
      const node = (await call(a, "GET", `/api/sessions/page/nodes/${chosen}`)).body.node as { text: string };
      await page.waitForFunction(
        (t) => (document.querySelector('[data-testid="text"]')?.textContent ?? "").includes(t),
        node.text.trim(),
        { timeout: 30_000 },
      );
      // The choice ended the step on B's page too: no candidates wait there.
      await page.waitForFunction(() => document.querySelectorAll("ol.candidates li").length === 0, null, {
        timeout: 30_000,
      });
    } finally {
      await browser.close();
    }
  });
});

describe("a selector's run on one replica", () => {
  const stores: PostgresSessionStore[] = [];
  const servers: LoomServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
    for (const s of stores) await s.close();
  });

  it("streams to the other replica, whose actions meanwhile wait their turn, then say who holds it", async () => {
    const { ScriptedGenerator } = await import("@loom/generators/test");
    for (let i = 0; i < 2; i++) {
      // A short wait for the writer lock, so a turn that cannot be had fails within the test.
      const store = postgresSessionStore(db.url, { lockWaitMs: 300 });
      stores.push(store);
      servers.push(
        await startServer({
          port: 0,
          sessionsDir: mkdtempSync(join(tmpdir(), "loom-unused-")),
          log: () => {},
          backendOptions: {
            store,
            generatorFor: () => new ScriptedGenerator({ seed: 4, delayMs: 150 }),
            selectorFor: () =>
              createScriptedSelector((ctx) => ({ action: "choose", choice: ctx.candidates[0]!.id, reason: "first" })),
          },
        }),
      );
    }
    const [a, b] = servers as [LoomServer, LoomServer];
    await newSession(a, "run", { selector: { mode: "stateless" } });
    const onB = await subscribe(`${b.url}/api/sessions/run/events`);
    try {
      expect((await call(a, "POST", "/api/sessions/run/run", { maxSteps: 6 })).status).toBe(202);
      await onB.waitFor((e) => e.event === "tree-changed" && (e.data as { ops: string[] }).ops.includes("resolve"));
      // A holds the session for its run: B's action waits for the lock, then names the holder.
      const refused = await call(b, "POST", "/api/sessions/run/generate", {});
      expect(refused.status).toBe(423);
      expect(refused.body.error.message).toContain(`process ${process.pid}`);
      expect(refused.body.error.message).toContain("a selector's run keeps the session until it ends");
      await (async () => {
        for (let i = 0; i < 600 && (await call(a, "GET", "/api/sessions/run")).body.running; i++)
          await new Promise((r) => setTimeout(r, 100));
      })();
      const pageA = await call(a, "GET", "/api/sessions/run");
      expect(pageA.body.running).toBe(false);
      expect(pageA.body.currentPath).toHaveLength(7);
      // B follows A's commits as they are notified: it shows the same path once the last one has reached it (on a
      // loaded machine that can be after A's run is seen to end).
      let pageB = await call(b, "GET", "/api/sessions/run");
      for (let i = 0; i < 50 && pageB.body.currentPath.length < 7; i++) {
        await new Promise((r) => setTimeout(r, 100));
        pageB = await call(b, "GET", "/api/sessions/run");
      }
      expect(pageB.body.currentPath).toEqual(pageA.body.currentPath);
      // The run over, B writes again.
      expect((await call(b, "POST", "/api/sessions/run/generate", {})).status).toBe(200);
    } finally {
      onB.close();
    }
  });
});
