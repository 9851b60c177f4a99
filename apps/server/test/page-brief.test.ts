// The brief on the page in Chromium: the writer edits it (a new version through PUT …/brief), and approves the agent's proposed change while a run waits (agent on the strict Anthropic replay server).
import { ScriptedGenerator } from "@loom/generators/test";
import { anthropicAgentModel, createAgenticSelector } from "@loom/selectors";
import {
  ANTHROPIC_RULES,
  anthropicToolReply as toolReply,
  lastToolResult,
  startStrictReplayServer,
  type StrictReplayServer,
} from "@loom/testkit";
import { afterAll, beforeAll, expect, test } from "vitest";
import { noBrowser, startBrowserRig, type BrowserRig } from "./browser.js";

let rig: BrowserRig;
let llm: StrictReplayServer;

beforeAll(async () => {
  if (noBrowser) return;
  llm = await startStrictReplayServer(ANTHROPIC_RULES);
  rig = await startBrowserRig({
    backendOptions: {
      generatorFor: () => new ScriptedGenerator({ seed: 4 }),
      selectorFor: (loom) =>
        loom.config.selector.mode === "human"
          ? null
          : createAgenticSelector({
              model: anthropicAgentModel({ apiKey: "k", baseURL: llm.url, model: "claude-sonnet-5-5", maxRetries: 0 }),
            }),
    },
  });
});
afterAll(async () => {
  await rig?.close();
  await llm?.close();
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
  "the writer edits the brief on the page and saves it as version 2",
  { timeout: 60_000 },
  async () => {
    await api("POST", "/api/sessions", {
      seed: "The tide",
      sessionId: "edit",
      brief: { voice: "Plain", avoid: ["Morals"] },
    });
    const page = await rig.browser.newPage();
    await page.goto(`${rig.server.url}/s/edit`);
    const panel = page.locator('[data-testid="brief-panel"]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="brief-panel"]')?.getAttribute("data-version") === "1",
    );
    await panel.locator("summary").click();
    expect(await page.locator('[data-testid="brief-voice"]').inputValue()).toBe("Plain");
    await page.fill('[data-testid="brief-sectionIntent"]', "The tide turns back.");
    await page.fill('[data-testid="brief-avoid"]', "Morals\nWeather reports");
    // Typing in the brief never triggers a shortcut (g would generate, s would stop).
    await page.type('[data-testid="brief-title"]', "gs");
    await page.click('[data-testid="brief-save"]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="brief-panel"]')?.getAttribute("data-version") === "2",
    );
    expect(await page.textContent('[data-testid="brief-saved"]')).toContain("version 2");
    expect(await panel.locator("summary").textContent()).toBe("Brief · version 2");
    const stored = await api("GET", "/api/sessions/edit/brief");
    expect(stored).toMatchObject({
      briefVersion: 2,
      brief: {
        title: "gs",
        voice: "Plain",
        sectionIntent: "The tide turns back.",
        avoid: ["Morals", "Weather reports"],
      },
    });
    const session = await api("GET", "/api/sessions/edit");
    expect(session.open).toBeNull();
    await page.close();
  },
);

test.skipIf(noBrowser)(
  "the agent's proposed brief change waits on the page; Approve makes it version 2 and the run goes on",
  { timeout: 60_000 },
  async () => {
    await api("POST", "/api/sessions", {
      seed: "The tide",
      sessionId: "agent",
      selector: { mode: "agentic", model: "claude-sonnet-5-5" },
    });
    llm.enqueue(
      { body: toolReply(1, "generate_candidates", {}) },
      { body: toolReply(2, "update_brief", { changes: { voice: "Salt-worn" }, reason: "the sea found its voice" }) },
      { body: toolReply(3, "stop_generation", { reason: "done" }) },
    );
    const page = await rig.browser.newPage();
    await page.goto(`${rig.server.url}/s/agent`);
    await page.waitForFunction(
      () => document.querySelector('[data-testid="brief-panel"]')?.getAttribute("data-version") === "1",
    );
    await api("POST", "/api/sessions/agent/run", {});
    const box = page.locator('[data-testid="brief-approval"]');
    await box.waitFor({ state: "visible", timeout: 20_000 });
    expect(await box.textContent()).toContain("the sea found its voice");
    expect(await box.textContent()).toContain("new: Salt-worn");
    await page.fill('[data-testid="brief-approval-note"]', "keep it");
    await page.click('[data-testid="brief-approve"]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="brief-panel"]')?.getAttribute("data-version") === "2",
    );
    await box.waitFor({ state: "hidden" });
    const after = await api("GET", "/api/sessions/agent/brief");
    expect(after).toMatchObject({ briefVersion: 2, brief: { voice: "Salt-worn" }, pendingChange: null });
    expect(lastToolResult(llm.requests.at(-1)!)).toEqual({
      approved: true,
      briefVersion: 2,
      changed: ["voice"],
      note: "keep it",
    });
    await page.close();
  },
);
