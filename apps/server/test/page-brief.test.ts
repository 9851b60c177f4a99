// The brief on the page in Chromium: the writer edits it (a new version through PUT …/brief), approves the agent's proposed change while a run waits (agent on the strict Anthropic replay server); and the inspector shows a selector's ranking and scores.
import { ScriptedGenerator } from "@loom/generators/test";
import { anthropicAgentModel, createAgenticSelector, createScriptedSelector } from "@loom/selectors";
import {
  ANTHROPIC_RULES,
  anthropicToolReply as toolReply,
  lastToolResult,
  startStrictReplayServer,
  type StrictReplayServer,
} from "@loom/testkit";
import { afterAll, expect, test } from "vitest";
import { noBrowser, treePosition, useBrowserRig } from "./browser.js";

let llm: StrictReplayServer;

const t = useBrowserRig(async () => {
  llm = await startStrictReplayServer(ANTHROPIC_RULES);
  return {
    backendOptions: {
      generatorFor: () => new ScriptedGenerator({ seed: 4 }),
      selectorFor: (loom) =>
        loom.config.selector.mode === "human"
          ? null
          : loom.config.selector.mode === "stateless"
            ? createScriptedSelector((ctx) => {
                // A stateless selector's full answer: every candidate ranked (last offered first) and scored.
                const ranking = ctx.candidates.map((c) => c.id).reverse();
                const scores = Object.fromEntries(
                  ranking.map((id, i) => [id, { image_density: 9 - i, register: 4 + i }]),
                );
                return { action: "choose", choice: ranking[0]!, ranking, scores, reason: "the densest image" };
              })
            : createAgenticSelector({
                model: anthropicAgentModel({
                  apiKey: "k",
                  baseURL: llm.url,
                  model: "claude-sonnet-5-5",
                  maxRetries: 0,
                }),
              }),
    },
  };
});
const { api } = t;
afterAll(async () => llm?.close());

test.skipIf(noBrowser)(
  "the writer edits the brief on the page and saves it as version 2",
  { timeout: 60_000 },
  async () => {
    await api("POST", "/api/sessions", {
      seed: "The tide",
      sessionId: "edit",
      brief: { voice: "Plain", avoid: ["Morals"] },
    });
    const page = await t.rig.browser.newPage();
    await page.goto(`${t.rig.server.url}/s/edit`);
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
    const page = await t.rig.browser.newPage();
    await page.goto(`${t.rig.server.url}/s/agent`);
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

test.skipIf(noBrowser)(
  "the inspector shows the selector's rank and per-criterion scores for every candidate",
  { timeout: 60_000 },
  async () => {
    await api("POST", "/api/sessions", {
      seed: "The tide",
      sessionId: "scored",
      generator: { branchingFactor: 3 },
      selector: { mode: "stateless", model: "scripted" },
    });
    await api("POST", "/api/sessions/scored/run", { maxSteps: 1 });
    let session = await api("GET", "/api/sessions/scored?limit=1");
    for (let i = 0; i < 100 && (session.running || session.currentPath.length < 2); i++) {
      await new Promise((r) => setTimeout(r, 100));
      session = await api("GET", "/api/sessions/scored?limit=1");
    }
    const chosen = session.currentPath[1] as string;
    const page = await t.rig.browser.newPage();
    await page.goto(`${t.rig.server.url}/s/scored`);
    const pos = await treePosition(page, chosen);
    expect(pos, "the chosen node is placed in the tree").not.toBeNull();
    await page.mouse.click(pos!.x, pos!.y);
    await page.waitForSelector(`[data-testid="inspector"][data-node-id="${chosen}"] [data-testid="alternatives"]`);
    const table = page.locator('[data-testid="alternatives"] table');
    expect(await table.locator("th").allTextContents()).toEqual([
      "#",
      "candidate",
      "logprob",
      "rank",
      "image_density",
      "register",
      "outcome",
    ]);
    const rows = table.locator("tr[data-node-id]");
    expect(await rows.count()).toBe(3);
    // Offered first, ranked last: the columns after the logprob are rank, image_density, register.
    const cells = async (i: number) => (await rows.nth(i).locator("td.num").allTextContents()).slice(1);
    expect(await cells(0)).toEqual(["3", "7", "6"]);
    expect(await cells(2)).toEqual(["1", "9", "4"]);
    // The scripted stand-in for the LLM records its choices as "auto".
    expect(await rows.nth(2).locator(".outcome").textContent()).toBe("chosen by auto");
    await page.close();
  },
);
