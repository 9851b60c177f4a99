// Generators alongside, chosen on the page in Chromium: the server's configured one offered in the new-session form, its count changed or the row removed, and each candidate of a step named by the model that wrote it (OpenAI's SDK against the strict replay server).
import { resolve } from "node:path";
import {
  OPENAI_COMPLETIONS_RULES,
  openaiCompletionReply,
  startStrictReplayServer,
  type StrictReplayServer,
} from "@loom/testkit";
import { ScriptedGenerator } from "@loom/generators/test";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { noBrowser, REPO, rigApi, settles, startBrowserRig, type BrowserRig } from "./browser.js";

const MODEL = process.env.LOOM_MODEL ?? resolve(REPO, "../shared/models/stories260K.gguf");

let llm: StrictReplayServer;
let rig: BrowserRig;

beforeAll(async () => {
  if (noBrowser) return;
  llm = await startStrictReplayServer(OPENAI_COMPLETIONS_RULES);
  llm.setFallback((request) => openaiCompletionReply(request, llm.requests.length));
  rig = await startBrowserRig({
    // As `loom serve --alongside openai:davinci-002 --alongside-base-url … --alongside-branching 2` configures it.
    defaultConfig: {
      generator: {
        provider: "local",
        model: MODEL,
        alongside: [{ provider: "openai", model: "davinci-002", baseUrl: llm.url, branchingFactor: 2 }],
      },
    },
    backendOptions: {
      generatorFor: () => new ScriptedGenerator({ seed: 3 }),
      secrets: { LOOM_CUSTOM_API_KEY: "sk-test-alongside" },
    },
  });
});
afterAll(async () => {
  await rig?.close();
  await llm?.close();
});

const api = (method: string, path: string, body?: unknown) => rigApi(rig, method, path, body);

async function createFromForm(page: Page, seed: string, change: (page: Page) => Promise<void>): Promise<string> {
  await page.goto(`${rig.server.url}/`);
  await page.locator('[data-testid="create-button"]').waitFor();
  await page.fill('[data-testid="seed-input"]', seed);
  await change(page);
  await page.click('[data-testid="create-button"]');
  await page.waitForURL(/\/s\//);
  return decodeURIComponent(new URL(page.url()).pathname.split("/")[2]!);
}

test.skipIf(noBrowser)(
  "the form offers the server's generator alongside; its candidates join the step, each named by its model, and a removed one is not called",
  { timeout: 120_000 },
  async () => {
    // The options name the server's generator alongside but never its endpoint.
    const options = await api("GET", "/api/options");
    expect(options.alongside).toEqual([{ provider: "openai", model: "davinci-002", branchingFactor: 2 }]);
    expect(JSON.stringify(options)).not.toContain(llm.url);

    const page = await rig.browser.newPage();
    const id = await createFromForm(page, "The lighthouse keeper", async (p) => {
      const row = p.locator('[data-testid="alongside-1"]');
      expect(await row.locator('[data-testid="alongsideProvider-input"]').inputValue()).toBe("openai");
      expect(await row.locator('[data-testid="alongsideModel-input"]').inputValue()).toBe("davinci-002");
      expect(await row.locator('[data-testid="alongsideModelFile-input"]').isVisible()).toBe(false);
      await row.locator('[data-testid="alongsideBranching-input"]').fill("3");
      await p.fill('[data-testid="branching-input"]', "4");
    });
    const made = await api("GET", `/api/sessions/${encodeURIComponent(id)}?limit=1`);
    // The page sent no endpoint: the server's own is the one the session keeps.
    expect(made.config.generator.alongside).toEqual([
      { provider: "openai", model: "davinci-002", branchingFactor: 3, baseUrl: llm.url },
    ]);

    // A second tab on the session learns the candidates from the live events alone.
    const other = await rig.browser.newPage();
    await other.goto(`${rig.server.url}/s/${encodeURIComponent(id)}`);
    await other.waitForSelector('[data-testid="tree"][data-node-count]');
    await other.locator('[data-testid="generate-button"]').waitFor();
    await page.click('[data-testid="generate-button"]');
    const models = page.locator('[data-testid="candidates"] [data-testid="model-of-candidate"]');
    await settles(page, async () => expect(await models.count()).toBe(7), 60_000);
    const live = other.locator('[data-testid="candidates"] [data-testid="model-of-candidate"]');
    await settles(other, async () => expect(await live.count()).toBe(7), 60_000);
    expect((await live.allTextContents()).sort()).toEqual((await models.allTextContents()).sort());
    await other.close();
    const names = await models.allTextContents();
    expect(names.filter((m) => m === "openai:davinci-002")).toHaveLength(3);
    expect(names.filter((m) => m.startsWith("scripted"))).toHaveLength(4);
    // One request reached the service, for the three candidates, through the server's endpoint and key.
    expect(llm.requests).toHaveLength(1);
    expect((llm.requests[0]!.json as { n: number; model: string }).n).toBe(3);
    llm.assertNoViolations();
    // The service's texts are what the page offers under its name.
    const open = (await api("GET", `/api/sessions/${encodeURIComponent(id)}?limit=1`)).open;
    const served = open.candidates.filter((c: { model: string }) => c.model === "openai:davinci-002");
    const reply = openaiCompletionReply(llm.requests[0]!, 1).body as { choices: { text: string }[] };
    expect(served.map((c: { text: string }) => c.text).sort()).toEqual(reply.choices.map((c) => c.text).sort());

    // Without it: the row removed, the session has none and the service is not called.
    const alone = await createFromForm(page, "The ferryman", async (p) => {
      await p.locator('[data-testid="alongside-1"] [data-testid="alongside-remove"]').click();
      expect(await p.locator('[data-testid="alongside-1"]').count()).toBe(0);
    });
    expect((await api("GET", `/api/sessions/${encodeURIComponent(alone)}?limit=1`)).config.generator.alongside).toEqual(
      [],
    );
    await page.click('[data-testid="generate-button"]');
    await settles(
      page,
      async () => expect(await page.locator('[data-testid="candidates"] [data-testid^="candidate-"]').count()).toBe(8),
      60_000,
    );
    // One model wrote them all: no names shown.
    expect(await page.locator('[data-testid="model-of-candidate"]').count()).toBe(0);
    expect(llm.requests).toHaveLength(1);
    await page.close();
  },
);
