// Held paths on the page in Chromium: the list shows what is held, Switch checks a held path out (the text becomes its text, the path left is held), Hold keeps the current path.
import { ScriptedGenerator } from "@loom/generators/test";
import { afterAll, beforeAll, expect, test } from "vitest";
import { noBrowser, settles, startBrowserRig, type BrowserRig } from "./browser.js";

let rig: BrowserRig;
beforeAll(async () => {
  if (noBrowser) return;
  rig = await startBrowserRig({ backendOptions: { generatorFor: () => new ScriptedGenerator({ seed: 3 }) } });
});
afterAll(async () => {
  await rig?.close();
});

// biome-ignore lint/suspicious/noExplicitAny: the test reads the API's JSON as the server sends it.
async function api(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(rig.server.url + path, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return res.json();
}

test.skipIf(noBrowser)(
  "a held branch is listed; Switch shows its text and holds the path left; Hold keeps the current path",
  { timeout: 60_000 },
  async () => {
    await api("POST", "/api/sessions", { seed: "The lamp", sessionId: "held" });
    let rejected = "";
    for (const pick of [0, 0]) {
      const g = await api("POST", "/api/sessions/held/generate", {});
      rejected ||= g.open.candidateNodeIds[1];
      await api("POST", "/api/sessions/held/choose", {
        decisionId: g.open.decisionId,
        nodeId: g.open.candidateNodeIds[pick],
      });
    }
    const left = (await api("GET", "/api/sessions/held")).text as string;
    await api("POST", "/api/sessions/held/paths/hold", { nodeId: rejected });
    const branchText = (await api("GET", "/api/sessions/held/paths")).held[0].textEnd as string;

    const page = await rig.browser.newPage();
    await page.goto(`${rig.server.url}/s/held`);
    const row = page.locator('[data-testid="held-h1"]');
    const shownText = async () => (await page.locator('[data-testid="text"] .seg').allTextContents()).join("");
    await settles(page, async () => {
      expect(await row.textContent()).toContain(branchText.slice(-30));
      expect(await shownText()).toBe(left);
    });

    await page.click('[data-testid="switch-h1"]');
    await settles(page, async () => {
      expect(await shownText()).toBe(branchText);
      // The path left is held now, as h1 (the one switched to is no longer held).
      expect(await row.textContent()).toContain(left.slice(-30));
      expect(await page.locator('[data-testid="held-h2"]').count()).toBe(0);
    });
    const stored = await api("GET", "/api/sessions/held/paths");
    expect(stored.current.tipId).toBe(rejected);

    await page.click('[data-testid="hold-path"]');
    await settles(page, async () => {
      expect(await page.locator('[data-testid="held-h2"]').textContent()).toContain(branchText.slice(-30));
      // The current path is held: holding it again is not offered.
      expect(await page.locator('[data-testid="hold-path"]').isDisabled()).toBe(true);
    });
    expect((await api("GET", "/api/sessions/held/paths")).held.map((h: { tipId: string }) => h.tipId)).toContain(
      rejected,
    );
    await page.close();
  },
);
