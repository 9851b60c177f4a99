// A server with a token, met from a tab that does not have it: the page asks once (no endless "reconnecting…"); the scheme name is case-insensitive; short tokens are refused.
import { expect, test } from "vitest";
import { ScriptedGenerator } from "@loom/generators/test";
import { startServer } from "../src/index.js";
import { noBrowser, useBrowserRig } from "./browser.js";

const TOKEN = "a-token-of-32-characters-0123456";

const t = useBrowserRig(() => ({
  token: TOKEN,
  backendOptions: { generatorFor: () => new ScriptedGenerator({ seed: 1 }) },
}));

test("a token shorter than 16 characters is refused when the server starts", async () => {
  await expect(
    startServer({ port: 0, sessionsDir: "/nonexistent-loom", token: "s3cret", log: () => {} }),
  ).rejects.toThrow(/at least 16 characters/);
});

test.skipIf(noBrowser)(
  "a session link opened without the token asks for it once, then works; Bearer is case-insensitive",
  { timeout: 120_000 },
  async () => {
    const created = await fetch(`${t.rig.server.url}/api/sessions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `bearer ${TOKEN}` },
      body: JSON.stringify({ sessionId: "guarded", seed: "Behind the door" }),
    });
    expect(created.status).toBe(201);
    const page = await t.rig.browser.newPage();
    let eventRequests = 0;
    page.on("request", (r) => {
      if (r.url().includes("/events")) eventRequests++;
    });
    await page.goto(`${t.rig.server.url}/s/guarded`);
    await page.waitForSelector('[data-testid="token-form"]');
    await page.waitForTimeout(1500);
    // Asked, not retried: no event stream was even opened without the token.
    expect(eventRequests).toBe(0);
    expect(await page.locator("text=reconnecting").count()).toBe(0);
    // A wrong token is refused and asked again, in words.
    await page.fill('[data-testid="token-input"]', "wrong-token-wrong-token-wrong-12");
    await page.click('[data-testid="token-form"] button');
    await page.waitForSelector('[data-testid="token-form"]');
    expect(await page.locator('[data-testid="token-form"]').textContent()).toContain("was refused");
    await page.fill('[data-testid="token-input"]', TOKEN);
    await page.click('[data-testid="token-form"] button');
    await page.waitForSelector('[data-testid="generate-button"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="status"]')?.textContent?.includes("live"));
    expect(await page.locator('[data-testid="text"] .seg').allTextContents()).toEqual(["Behind the door"]);
    // The token stays out of the address bar.
    expect(page.url()).not.toContain(TOKEN);
    await page.close();
  },
);
