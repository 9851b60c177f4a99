// A big session opening on the server does not hold the page up: while its open is held back, the home page lists every session (counts, titles, states, newest first) from their stored digests, and the session's page shows its text and the tree around the tip; once open, the whole tree.
import { utimes } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { addCandidates, resolveDecision, sequentialEnv, type Loom } from "@loom/core";
import { ScriptedGenerator } from "@loom/generators/test";
import { createSession } from "@loom/io";
import { realisticLoom } from "@loom/testkit";
import { noBrowser, settles, startBrowserRig, type BrowserRig } from "./browser.js";

let rig: BrowserRig;
/** Released when the test lets the big session's open finish. */
let releaseOpen: () => void = () => {};
const held = new Promise<void>((resolve) => (releaseOpen = resolve));
let bigOpens = 0;

/** Realistic nodes (6 tokens with top-5 alternatives), 8 candidates a decision, as a session written by a run. */
async function writeSession(id: string, decisions: number, change?: (loom: Loom) => void): Promise<Loom> {
  const loom = realisticLoom({ decisions, branching: 8, seed: decisions });
  loom.sessionId = id;
  change?.(loom);
  await (await createSession(join(rig.sessionsDir, id), loom)).close();
  return loom;
}

let big: Loom;
let stopped: Loom;
let titled: Loom;

beforeAll(async () => {
  if (noBrowser) return;
  rig = await startBrowserRig({
    backendOptions: {
      // Building the generator is the last step of opening a session: holding it holds the open.
      generatorFor: async (loom) => {
        if (loom.sessionId === "big") {
          bigOpens++;
          await held;
        }
        return new ScriptedGenerator({ seed: 4 });
      },
    },
  });
  const env = sequentialEnv(Date.UTC(2027, 0, 1));
  stopped = await writeSession("stopped", 3, (loom) => {
    const open = addCandidates(loom, loom.currentPath.at(-1)!, [{ text: " and" }], { env });
    resolveDecision(loom, open.decisionId, { action: "stop", chosenBy: "human", reason: "done" }, env);
  });
  titled = await writeSession("titled", 5, (loom) => {
    loom.brief = { ...loom.brief, title: "The web at dusk" };
  });
  big = await writeSession("big", 250);
  // Newest first: big, then titled, then stopped.
  const t = Date.now() / 1000;
  for (const [i, id] of ["stopped", "titled", "big"].entries())
    for (const f of ["loom.json", "journal.ndjson", "manifest.ndjson"])
      await utimes(join(rig.sessionsDir, id, f), t - 300 + i * 60, t - 300 + i * 60);
});
afterAll(async () => {
  releaseOpen();
  await rig?.close();
});

test.skipIf(noBrowser)(
  "while a big session opens, the home page lists every session and the session's page shows its text and the tree around its tip",
  { timeout: 120_000 },
  async () => {
    const session = await rig.browser.newPage();
    await session.goto(`${rig.server.url}/s/big`);
    const text = session.locator('[data-testid="text"]');
    const tree = session.locator('[data-testid="tree"]');
    // The text as far as the tip and part of the tree, before the session is open.
    await settles(
      session,
      async () => {
        const shown = await text.locator(".seg").allTextContents();
        expect(shown.length).toBeGreaterThan(10);
        expect(shown).toEqual(big.currentPath.slice(-shown.length).map((id) => big.nodes[id]!.text));
        expect(await text.locator(".seg").last().getAttribute("data-node-id")).toBe(big.currentPath.at(-1));
        expect(Number(await tree.getAttribute("data-preview"))).toBeGreaterThan(0);
      },
      30_000,
    );
    expect(await session.locator('[data-testid="status"]').textContent()).toMatch(/opening… · 250 steps · 2001 nodes/);
    expect(bigOpens).toBe(1);

    // Meanwhile the home page lists all three, newest first, with what each holds.
    const home = await rig.browser.newPage();
    await home.goto(rig.server.url);
    const items = home.locator('[data-testid="session-list"] li');
    await settles(home, async () => expect(await items.count()).toBe(3), 30_000);
    expect(await items.evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.sessionId))).toEqual([
      "big",
      "titled",
      "stopped",
    ]);
    const row = (id: string) => home.locator(`[data-session-id="${id}"]`);
    expect(await row("big").locator(".meta").textContent()).toMatch(
      /^250 steps · 2001 nodes · [\d.]+ (KB|MB) · updated /,
    );
    expect(await row("big").locator('[data-testid="session-state"]').textContent()).toBe("open");
    expect(await row("big").locator(".seed").textContent()).toBe(big.nodes[big.rootId]!.text);
    expect(await row("titled").locator(".session-title").textContent()).toBe("The web at dusk");
    expect(await row("titled").locator(".meta").textContent()).toMatch(/^5 steps · 41 nodes · /);
    expect(await row("stopped").locator('[data-testid="session-state"]').textContent()).toBe("stopped");
    expect(await row("stopped").locator(".meta").textContent()).toMatch(
      new RegExp(`^3 steps · ${Object.keys(stopped.nodes).length} nodes · `),
    );
    expect(Object.keys(titled.nodes)).toHaveLength(41);
    // The big session is still not open: the list did not wait for it.
    expect(await tree.getAttribute("data-node-count")).toBeNull();

    // Let it open: the page draws the whole tree.
    releaseOpen();
    await settles(session, async () => expect(await tree.getAttribute("data-node-count")).toBe("2001"), 60_000);
    expect(await session.locator('[data-testid="status"]').textContent()).not.toMatch(/opening/);
    await home.reload();
    await settles(home, async () =>
      expect(await row("big").locator(".meta").textContent()).toMatch(/^250 steps · 2001 nodes/),
    );
    await home.close();
    await session.close();
  },
);
