// The page's start screen and inspector in Chromium: sessions listed newest first with title, seed, size and state; a session created with a brief file, a preset and the automatic selector; a node's alternatives and tokens in full; history and export after a checkout.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { expect, test } from "vitest";
import { ScriptedGenerator } from "@loom/generators/test";
import {
  nextVersion,
  noBrowser,
  playSession,
  REPO,
  settles,
  shownVersion,
  treePosition,
  useBrowserRig,
} from "./browser.js";

const MODEL = process.env.LOOM_MODEL ?? resolve(REPO, "../shared/models/stories260K.gguf");
const BRIEF = resolve(REPO, "../shared/fixtures/briefs/worldspider.toml");

const t = useBrowserRig(() => ({
  defaultConfig: { generator: { provider: "local", model: MODEL } },
  backendOptions: {
    // Seeded text (tokens with top-5 alternatives); a seed ending mid-word gets candidates that complete it.
    generatorFor: (loom) =>
      loom.nodes[loom.rootId]!.text.endsWith("spi")
        ? new ScriptedGenerator({ script: () => ["der wove", "ral stair", " of the"] })
        : new ScriptedGenerator({ seed: 5 }),
  },
}));
const { api } = t;

test.skipIf(noBrowser)(
  "the home page lists sessions newest first with title, seed, size and state, and creates one from a TOML brief, a preset and the automatic selector",
  { timeout: 120_000 },
  async () => {
    // An older session, stopped; then a newer one, open, with a title.
    await api("POST", "/api/sessions", { sessionId: "older", seed: "The harbour at dawn" });
    await api("POST", "/api/sessions/older/generate", {});
    await api("POST", "/api/sessions/older/stop", {});
    await new Promise((r) => setTimeout(r, 30));
    await api("POST", "/api/sessions", {
      sessionId: "newer",
      seed: "Under the bridge the river",
      brief: { title: "River piece" },
    });
    const page = await t.rig.browser.newPage();
    await page.goto(t.rig.server.url);
    const items = page.locator('[data-testid="session-list"] li');
    await expect.poll(() => items.count()).toBeGreaterThanOrEqual(2);
    const ids = await items.evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.sessionId));
    expect(ids.indexOf("newer")).toBeLessThan(ids.indexOf("older"));
    const newer = items.filter({ has: page.locator('a[href="/s/newer"]') });
    expect(await newer.locator(".session-title").textContent()).toBe("River piece");
    expect(await newer.textContent()).toContain("Under the bridge the river");
    expect(await newer.locator('[data-testid="session-state"]').textContent()).toBe("open");
    expect(await newer.locator(".meta").textContent()).toMatch(/0 steps · 1 nodes · \d+ (B|KB) · updated /);
    const older = items.filter({ has: page.locator('a[href="/s/older"]') });
    expect(await older.locator('[data-testid="session-state"]').textContent()).toBe("stopped");
    expect(await older.locator(".session-title").textContent()).toBe("older");

    // A brief that is not TOML is refused with the line that is wrong; nothing is created.
    await page.setInputFiles('[data-testid="brief-file"]', {
      name: "broken.toml",
      mimeType: "application/toml",
      buffer: Buffer.from('title = "ok"\nvoice = \n'),
    });
    await expect.poll(() => page.locator('[data-testid="brief-file-note"]').textContent()).toContain("line 2");

    // The real example brief fills the brief's fields.
    await page.setInputFiles('[data-testid="brief-file"]', BRIEF);
    await expect.poll(() => page.locator('[data-testid="title-input"]').inputValue()).toBe("Worldspider Phenomenology");
    expect(await page.locator('[data-testid="voice-input"]').inputValue()).toBe("Compressed, liturgical");
    expect(await page.locator('[data-testid="leanInto-input"]').inputValue()).toContain("Images that think");
    await page.fill('[data-testid="seed-input"]', "The web was already there when");
    await page.selectOption('[data-testid="preset-input"]', "stable");
    expect(await page.locator('[data-testid="branching-input"]').inputValue()).toBe("4");
    expect(await page.locator('[data-testid="segmentTokens-input"]').inputValue()).toBe("8");
    // The generator and the model file are chosen among what the server offers.
    expect(await page.locator('[data-testid="provider-input"] option').allTextContents()).toContain("local");
    expect(await page.locator('[data-testid="modelFile-input"] option').allTextContents()).toEqual([
      "stories260K.gguf",
    ]);
    await page.selectOption('[data-testid="selector-input"]', "auto");
    expect(await page.locator('[data-testid="selector-model-input"]').isVisible()).toBe(false);
    await page.fill('[data-testid="maxTokensTotal-input"]', "600");
    await page.click('[data-testid="create-button"]');
    await page.waitForURL(/\/s\//);
    const id = decodeURIComponent(new URL(page.url()).pathname.split("/")[2]!);
    const created = await api("GET", `/api/sessions/${id}?limit=1`);
    expect(created.brief).toMatchObject({
      title: "Worldspider Phenomenology",
      voice: "Compressed, liturgical",
      leanInto: expect.arrayContaining(["Images that think"]),
      avoid: expect.arrayContaining(["Generic mysticism"]),
    });
    expect(created.config).toMatchObject({
      generator: { provider: "local", branchingFactor: 4, segmentTokens: 8, temperature: 0.85, topP: 0.92 },
      selector: { mode: "auto" },
      maxTokensTotal: 600,
    });
    await page.close();
  },
);

test.skipIf(noBrowser)(
  "the inspector shows every alternative of a decision with its outcome, the tokens coloured by probability with their top alternatives, and the word a candidate completes",
  { timeout: 120_000 },
  async () => {
    await api("POST", "/api/sessions", {
      sessionId: "spider",
      seed: "In the corner the spi",
      generator: { branchingFactor: 3 },
    });
    const page = await t.rig.browser.newPage();
    await page.goto(`${t.rig.server.url}/s/spider`);
    await page.click('[data-testid="generate-button"]');
    await page.waitForSelector('[data-testid="candidate-1"]:not([disabled])');
    // Mid-word candidates say which word they complete.
    expect(await page.locator('[data-testid="candidate-1"] [data-testid="completes"]').textContent()).toBe(
      "completes “spider”",
    );
    expect(await page.locator('[data-testid="candidate-2"] [data-testid="completes"]').textContent()).toBe(
      "completes “spiral”",
    );
    expect(await page.locator('[data-testid="candidate-3"] [data-testid="completes"]').count()).toBe(0);
    const version = await shownVersion(page);
    await page.click('[data-testid="candidate-2"]');
    await nextVersion(page, version);
    const { currentPath } = await api("GET", "/api/sessions/spider?limit=1");
    const chosen = currentPath[1] as string;
    const pos = await treePosition(page, chosen);
    await page.mouse.click(pos!.x, pos!.y);
    await page.waitForSelector(`[data-testid="inspector"][data-node-id="${chosen}"] [data-testid="alternatives"]`);
    const rows = page.locator('[data-testid="alternatives"] tr[data-node-id]');
    expect(await rows.count()).toBe(3);
    expect(await rows.locator(".alt-text").allTextContents()).toEqual(["der wove", "ral stair", " of the"]);
    expect(await rows.nth(1).locator(".outcome").textContent()).toBe("chosen by human");
    expect(await rows.nth(0).locator(".outcome").textContent()).toBe("rejected");
    expect(await rows.nth(1).getAttribute("class")).toContain("this-node");
    // Every candidate's logprob is shown in full.
    for (const lp of await rows.locator("td.num").allTextContents()) expect(lp).toMatch(/^(-?\d+\.\d\d|–)$/);
    // The chosen text's tokens, coloured by probability, with the top alternatives on hover.
    const tokens = page.locator('[data-testid="inspector"] [data-testid="tokens"] .token');
    expect(await tokens.allTextContents()).toEqual(["ral", " stair"]);
    const title = (await tokens.nth(1).getAttribute("title")) ?? "";
    expect(title).toMatch(/p \d+\.\d %/);
    expect(title).toContain("top:");
    expect(await tokens.nth(1).evaluate((e) => getComputedStyle(e).backgroundColor)).not.toBe("rgba(0, 0, 0, 0)");
    await page.close();
  },
);

test.skipIf(noBrowser)(
  "after checking out a rejected candidate the history shows the path you are on; the export buttons download Markdown, JSON, DOT and text",
  { timeout: 120_000 },
  async () => {
    await api("POST", "/api/sessions", { sessionId: "branchy", seed: "The lamp", generator: { branchingFactor: 3 } });
    const gen = await api("POST", "/api/sessions/branchy/generate", {});
    const [first, second] = gen.open.candidateNodeIds as string[];
    await api("POST", "/api/sessions/branchy/choose", { decisionId: gen.open.decisionId, nodeId: first });
    const rejected = (await api("GET", `/api/sessions/branchy/nodes/${second}`)).node.text as string;
    const chosenText = (await api("GET", `/api/sessions/branchy/nodes/${first}`)).node.text as string;
    const page = await t.rig.browser.newPage();
    await page.goto(`${t.rig.server.url}/s/branchy`);
    await page.waitForSelector('[data-testid="history"] li');
    const pos = await treePosition(page, second!);
    await page.mouse.click(pos!.x, pos!.y);
    await page.waitForSelector(`[data-testid="inspector"][data-node-id="${second}"]`);
    const version = await shownVersion(page);
    await page.click('[data-testid="checkout-button"]');
    await nextVersion(page, version);
    const line = page.locator('[data-testid="history"] li').first();
    expect(await line.locator("q").textContent()).toBe(rejected);
    expect(await line.locator(".action-name").textContent()).toBe("branch");
    expect(await line.textContent()).toContain(`chose “${chosenText}”`);
    expect((await page.locator('[data-testid="text"] .seg').allTextContents()).join("")).toBe(`The lamp${rejected}`);

    for (const [format, check] of [
      ["md", (s: string) => s.includes(rejected)],
      ["json", (s: string) => JSON.parse(s).loom.currentPath.length === 2],
      ["dot", (s: string) => s.startsWith("digraph")],
      ["txt", (s: string) => s === `The lamp${rejected}`],
    ] as const) {
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.click(`[data-testid="export-${format}"]`),
      ]);
      expect(download.suggestedFilename()).toBe(`branchy.${format}`);
      const path = await download.path();
      expect(check(await readFile(path!, "utf8")), format).toBe(true);
    }
    await page.close();
  },
);

test.skipIf(noBrowser)(
  "an accidental choose is undone with b (back to the decision, another candidate one click away) and an accidental stop by continuing",
  { timeout: 120_000 },
  async () => {
    await api("POST", "/api/sessions", { sessionId: "oops", seed: "The kettle", generator: { branchingFactor: 3 } });
    const page = await t.rig.browser.newPage();
    await page.goto(`${t.rig.server.url}/s/oops`);
    await page.click('[data-testid="generate-button"]');
    await page.waitForSelector('[data-testid="candidate-1"]:not([disabled])');
    const texts = await page.locator("ol.candidates:not(.decided) .candidate-text").allTextContents();
    let version = await shownVersion(page);
    await page.click('[data-testid="candidate-1"]');
    version = await nextVersion(page, version);
    await page.waitForSelector('[data-testid="candidate-1"]:not([disabled])');
    // Back: the tip is the seed again, and the choice made there is offered again.
    await page.locator('[data-testid="text"]').focus();
    await page.waitForTimeout(800);
    await page.keyboard.press("b");
    version = await nextVersion(page, version);
    expect(await page.locator('[data-testid="text"] .seg').allTextContents()).toEqual(["The kettle"]);
    await page.waitForSelector('[data-testid="decided-3"]');
    expect(await page.locator(".decided .candidate-text").allTextContents()).toEqual(texts);
    await page.click('[data-testid="decided-3"]');
    version = await nextVersion(page, version);
    expect((await page.locator('[data-testid="text"] .seg').allTextContents()).join("")).toBe(`The kettle${texts[2]}`);
    // A stop, confirmed, then undone by continuing: new candidates at the same tip.
    await page.click('[data-testid="generate-button"]');
    await page.waitForSelector('[data-testid="candidate-1"]:not([disabled])');
    version = await shownVersion(page);
    await page.click('[data-testid="stop-button"]');
    await page.click('[data-testid="confirm-stop"]');
    version = await nextVersion(page, version);
    await page.waitForSelector(".stopped-mark");
    await page.click('[data-testid="continue-button"]');
    await page.waitForSelector('[data-testid="candidate-1"]:not([disabled])');
    expect(await page.locator(".stopped-mark").count()).toBe(0);
    const summary = await api("GET", "/api/sessions/oops?limit=1");
    expect(summary.stopped).toBe(false);
    expect(summary.open.candidates).toHaveLength(3);
    await page.close();
  },
);

test.skipIf(noBrowser)(
  "the keyboard reaches the tree: Tab gets there, arrows walk it (announced and inspected), Enter checks out",
  { timeout: 120_000 },
  async () => {
    const [g1] = await playSession(api, "walk", { seed: "The stair", generator: { branchingFactor: 3 } }, [0, 0]);
    const page = await t.rig.browser.newPage();
    await page.goto(`${t.rig.server.url}/s/walk`);
    await page.waitForSelector('[data-testid="history"] li');
    let reached = false;
    for (let i = 0; i < 60 && !reached; i++) {
      await page.keyboard.press("Tab");
      reached = await page.evaluate(() => document.activeElement?.getAttribute("data-testid") === "tree-canvas");
    }
    expect(reached, "Tab reaches the tree").toBe(true);
    // From the tip: up to its parent (the first step), then down to the first step's second sibling.
    await page.keyboard.press("ArrowLeft");
    const first = g1!.open.candidateNodeIds[0] as string;
    await expect.poll(() => page.locator('[data-testid="tree-canvas"]').getAttribute("data-focused-node")).toBe(first);
    await page.keyboard.press("ArrowDown");
    const sibling = g1!.open.candidateNodeIds[1] as string;
    await expect
      .poll(() => page.locator('[data-testid="tree-canvas"]').getAttribute("data-focused-node"))
      .toBe(sibling);
    const siblingText = (await api("GET", `/api/sessions/walk/nodes/${sibling}`)).node.text as string;
    expect(await page.locator('[data-testid="tree-announcer"]').textContent()).toContain(siblingText.trim());
    await page.waitForSelector(`[data-testid="inspector"][data-node-id="${sibling}"]`);
    const version = await shownVersion(page);
    await page.keyboard.press("Enter");
    await nextVersion(page, version);
    expect((await page.locator('[data-testid="text"] .seg').allTextContents()).join("")).toBe(
      `The stair${siblingText}`,
    );
    await page.close();
  },
);

test.skipIf(noBrowser)(
  "focus survives re-renders: a candidate reached by keyboard keeps it while another client's reroll redraws the list; candidates and run state are in live regions",
  { timeout: 120_000 },
  async () => {
    await api("POST", "/api/sessions", { sessionId: "focus", seed: "The lamp", generator: { branchingFactor: 3 } });
    const page = await t.rig.browser.newPage();
    await page.goto(`${t.rig.server.url}/s/focus`);
    await page.click('[data-testid="generate-button"]');
    await page.waitForSelector('[data-testid="candidate-3"]:not([disabled])');
    const second = await page.locator('[data-testid="candidate-2"]').getAttribute("data-node-id");
    await page.locator('[data-testid="candidate-2"]').focus();
    const version = await shownVersion(page);
    // Another client rerolls: three more candidates, the list drawn anew.
    await api("POST", "/api/sessions/focus/reroll", {});
    await nextVersion(page, version);
    await settles(page, async () => expect(await page.locator("ol.candidates:not(.decided) li").count()).toBe(6));
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.nodeId)).toBe(second);
    // A key press acts on the focused candidate: Enter takes the one the writer was on.
    await page.keyboard.press("Enter");
    await settles(page, async () =>
      expect(await page.locator('[data-testid="text"] .seg').last().getAttribute("data-node-id")).toBe(second),
    );
    // Screen readers hear new candidates and the run's state: both sit in live regions.
    expect(await page.locator('[data-testid="candidates"]').getAttribute("aria-live")).toBe("polite");
    expect(await page.locator('[data-testid="status"]').getAttribute("role")).toBe("status");
    await page.close();
  },
);
