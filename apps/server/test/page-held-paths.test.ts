// Held paths on the page in Chromium: the list shows what is held, Switch checks a held path out (the text becomes its text, the path left is held), Hold keeps the current path.
import { ScriptedGenerator } from "@loom/generators/test";
import { expect, test } from "vitest";
import { noBrowser, playSession, settles, useBrowserRig } from "./browser.js";

const t = useBrowserRig(() => ({ backendOptions: { generatorFor: () => new ScriptedGenerator({ seed: 3 }) } }));
const { api } = t;

test.skipIf(noBrowser)(
  "a held branch is listed; Switch shows its text and holds the path left; Hold keeps the current path",
  { timeout: 60_000 },
  async () => {
    const steps = await playSession(api, "held", { seed: "The lamp" }, [0, 0]);
    const rejected = steps[0]!.open.candidateNodeIds[1];
    const left = (await api("GET", "/api/sessions/held")).text as string;
    await api("POST", "/api/sessions/held/paths/hold", { nodeId: rejected });
    const branchText = (await api("GET", "/api/sessions/held/paths")).held[0].textEnd as string;

    const page = await t.rig.browser.newPage();
    await page.goto(`${t.rig.server.url}/s/held`);
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
