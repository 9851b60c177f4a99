// The look-ahead control in Chromium: depth and width in the inspector, a paid generator's cost put to the writer first (cancel adds nothing), and the new nodes drawn live in another tab.
import { afterAll, beforeAll, expect, test } from "vitest";
import type { Page } from "playwright-core";
import { ScriptedGenerator } from "@loom/generators/test";
import { noBrowser, openSessionPage, pickNode, rigApi, settles, startBrowserRig, type BrowserRig } from "./browser.js";

let rig: BrowserRig;

beforeAll(async () => {
  if (noBrowser) return;
  rig = await startBrowserRig({
    backendOptions: {
      // A billed service as the estimate sees it (hosted, priced by the server), scripted so each call's words differ.
      generatorFor: () => {
        let call = 0;
        return new ScriptedGenerator({
          model: "davinci-002",
          capabilities: { hosted: true, nativeN: true },
          script: () => {
            call++;
            return [` amber${call}`, ` cobalt${call}`, ` willow${call}`];
          },
        });
      },
      prices: { "scripted:davinci-002": { inputPerMTok: 2, outputPerMTok: 2 } },
    },
  });
});
afterAll(async () => rig?.close());

const api = (method: string, path: string, body?: unknown) => rigApi(rig, method, path, body);
const nodeCount = async (page: Page) =>
  Number(await page.locator('[data-testid="tree"]').getAttribute("data-node-count"));
const drawn = (page: Page, id: string) =>
  page.evaluate((n) => (window as unknown as { loomTree: { drawnAs(id: string): unknown } }).loomTree.drawnAs(n), id);

test.skipIf(noBrowser)(
  "Expand asks before a paid look-ahead, Cancel adds nothing, and the confirmed subtree appears live in another tab",
  { timeout: 180_000 },
  async () => {
    await api("POST", "/api/sessions", { sessionId: "ahead", seed: "The house" });
    const g = await api("POST", "/api/sessions/ahead/generate", {});
    const tip = g.open.candidateNodeIds[0] as string;
    await api("POST", "/api/sessions/ahead/choose", { decisionId: g.open.decisionId, nodeId: tip });
    const page = await openSessionPage(rig, "ahead");
    const other = await openSessionPage(rig, "ahead");
    const before = await nodeCount(page);

    await pickNode(page, tip);
    await page.fill('[data-testid="look-ahead-depth"]', "2");
    await page.fill('[data-testid="look-ahead-width"]', "2");
    await page.click('[data-testid="look-ahead-button"]');
    const confirm = page.locator('[data-testid="confirm"]');
    await confirm.waitFor({ state: "visible" });
    // The cost shown is the server's estimate (its price for the model).
    const { estimate } = await api("GET", `/api/sessions/ahead/nodes/${tip}/expand?depth=2&width=2`);
    expect(await confirm.textContent()).toContain(
      `Look ahead 6 nodes? 3 requests to davinci-002: about $${estimate.costUsd.toFixed(4)}.`,
    );
    await page.click('[data-testid="cancel-look-ahead"]');
    await confirm.waitFor({ state: "hidden" });
    expect(Object.keys((await api("GET", "/api/sessions/ahead/export?format=json")).loom.nodes)).toHaveLength(before);

    await pickNode(page, tip);
    await page.click('[data-testid="look-ahead-button"]');
    await page.click('[data-testid="confirm-look-ahead"]');
    // The other tab did nothing: it learns the nodes from the live events alone.
    await settles(other, async () => expect(await nodeCount(other)).toBe(before + 6), 60_000);
    await settles(page, async () => expect(await nodeCount(page)).toBe(before + 6), 60_000);
    const loom = (await api("GET", "/api/sessions/ahead/export?format=json")).loom;
    const added = Object.keys(loom.nodes).filter((id) => loom.nodes[id].meta?.lookAhead);
    expect(added).toHaveLength(6);
    expect(added.filter((id) => loom.nodes[id].parentId === tip)).toHaveLength(2);
    expect(loom.currentPath.at(-1)).toBe(tip);
    for (const id of added) await settles(other, async () => expect(await drawn(other, id)).not.toBeNull());
    // The tip's look-ahead is its next step: its two candidates are offered on both tabs.
    await settles(other, async () =>
      expect(await other.locator('[data-testid="candidates"] [data-testid^="candidate-"]').count()).toBe(2),
    );
  },
);
