// Refusals on the page (issue 12, item 8) in Chromium: a stop that another client made pointless and candidates whose tip moved while the model worked are refused with the server's reason, shown in words.
import type { Generator } from "@loom/core";
import { ScriptedGenerator } from "@loom/generators/test";
import { expect, test } from "vitest";
import { noBrowser, settles, useBrowserRig } from "./browser.js";

/** Opened by the test: the model call the page started waits on it, so another client acts while it runs. */
let release: () => void = () => {};
let started: Promise<void> = Promise.resolve();

/** A scripted model whose calls wait for the test's go-ahead (a model that takes as long as the test needs). */
function gatedGenerator(): Generator {
  const inner = new ScriptedGenerator({ seed: 2 });
  return {
    specificationVersion: inner.specificationVersion,
    provider: inner.provider,
    model: inner.model,
    capabilities: { ...inner.capabilities, streaming: false },
    async generate(request) {
      const gate = new Promise<void>((go) => (release = go));
      signalStarted();
      await gate;
      return inner.generate(request);
    },
  };
}
let signalStarted: () => void = () => {};
function expectCall(): void {
  started = new Promise((s) => (signalStarted = s));
}

const t = useBrowserRig(() => ({
  backendOptions: {
    generatorFor: (loom) => (loom.sessionId === "moving" ? gatedGenerator() : new ScriptedGenerator({ seed: 2 })),
  },
}));

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(t.rig.server.url + path, {
    method,
    headers: method === "GET" ? {} : { "content-type": "application/json" },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: await res.json() };
}

test.skipIf(noBrowser)(
  "generate on the page while another client writes at the tip: 409, the reason in words, and the written text shown",
  { timeout: 90_000 },
  async () => {
    await api("POST", "/api/sessions", { sessionId: "moving", seed: "The road" });
    const page = await t.rig.browser.newPage();
    await page.goto(`${t.rig.server.url}/s/moving`);
    expectCall();
    await page.click('[data-testid="generate-button"]');
    // The model is working for the page; another client writes a continuation at the same tip.
    await started;
    expect((await api("POST", "/api/sessions/moving/write", { text: " bent east" })).status).toBe(200);
    release();
    const alert = page.locator('[role="alert"]');
    await settles(page, async () => {
      expect(await alert.textContent()).toContain("the tip moved while candidates were generated");
      expect(await alert.textContent()).toContain("(409)");
      expect(await page.locator('[data-testid="text"]').textContent()).toContain("The road bent east");
    });
    await page.close();
  },
);

test.skipIf(noBrowser)(
  "a stop on the page after another client already decided the step: 409 with the reason, and the page catches up",
  { timeout: 90_000 },
  async () => {
    await api("POST", "/api/sessions", { sessionId: "calm", seed: "Quiet" });
    const page = await t.rig.browser.newPage();
    // This tab hears no live events, so it still offers the decision another client is about to take.
    await page.route(/\/api\/sessions\/calm\/events/, (route) => route.abort());
    await page.goto(`${t.rig.server.url}/s/calm`);
    await page.click('[data-testid="generate-button"]');
    await page.waitForSelector('[data-testid="candidate-1"]:not([disabled])');
    const open = (await api("GET", "/api/sessions/calm")).body.open;
    const chosen = open.candidates[0];
    expect(
      (await api("POST", "/api/sessions/calm/choose", { decisionId: open.decision.id, nodeId: chosen.id })).status,
    ).toBe(200);
    await page.click('[data-testid="stop-button"]');
    await page.click('[data-testid="confirm-stop"]');
    const alert = page.locator('[role="alert"]');
    await settles(page, async () => {
      const said = (await alert.textContent()) ?? "";
      expect(said).toContain("(409)");
      expect(said).toMatch(/decision|stop/);
      // After the refusal the page reads the session again: the other client's choice is in the text.
      expect(await page.locator('[data-testid="text"]').textContent()).toContain(`Quiet${chosen.text}`);
    });
    // Nothing was stopped.
    expect((await api("GET", "/api/sessions/calm")).body.stopped).toBe(false);
    await page.close();
  },
);

test.skipIf(noBrowser)(
  "the API's reference is one click from the page: every route with its statuses (409, 413, 415 …), bounded parameters and bearer auth",
  { timeout: 60_000 },
  async () => {
    const page = await t.rig.browser.newPage();
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(t.rig.server.url);
    await page.click('[data-testid="api-docs-link"]');
    await page.waitForSelector('[data-testid="api-docs"]');
    expect(new URL(page.url()).pathname).toBe("/docs/api");
    const op = (id: string) => page.locator(`[data-operation="${id}"]`);
    const statuses = (id: string) =>
      op(id)
        .locator("[data-status]")
        .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.status));
    // What the server answers is what the page says it answers.
    expect(await statuses("stop")).toEqual(expect.arrayContaining(["200", "401", "409"]));
    expect(await statuses("createSession")).toEqual(expect.arrayContaining(["201", "400", "413", "415"]));
    expect(await op("getSession").locator('[data-param="limit"]').textContent()).toContain("integer 1–5000");
    expect(await op("getTree").locator('[data-param="limit"]').textContent()).toContain("integer 1–50000");
    expect(await op("getSession").locator(".api-auth").textContent()).toBe("bearer");
    // Readable on a phone: nothing scrolls sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.close();
  },
);
