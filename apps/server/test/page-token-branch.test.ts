// Branching at a token on the page in Chromium: a click on a token lists its alternatives, "branch here" makes the sibling, which appears in the tree live (here and in a second tab) and is inspected; Enter on a token and typed text branch too.
import { expect, test } from "vitest";
import type { Page } from "playwright-core";
import { ScriptedGenerator } from "@loom/generators/test";
import { noBrowser, openSessionPage, pickNode, settles, useBrowserRig } from "./browser.js";

const t = useBrowserRig(() => ({
  backendOptions: {
    // Four-word candidates with made-up logprobs and top-5 alternatives per token (the session's default).
    generatorFor: () => new ScriptedGenerator({ seed: 3, script: () => [" the old red door", " a quiet wet lane"] }),
  },
}));
const { api } = t;

interface Tok {
  text: string;
  top?: { text: string; logprob: number }[];
}

async function loomOf(id: string): Promise<{
  currentPath: string[];
  nodes: Record<string, { text: string; parentId: string | null; tokens: Tok[] | null }>;
}> {
  return (await api("GET", `/api/sessions/${id}/export?format=json`)).loom;
}

const nodeCount = async (page: Page) =>
  Number(await page.locator('[data-testid="tree"]').getAttribute("data-node-count"));
const shownText = async (page: Page) => (await page.locator('[data-testid="text"] .seg').allTextContents()).join("");
const drawnStatus = (page: Page, id: string) =>
  page.evaluate(
    (n) =>
      (window as unknown as { loomTree: { drawnAs(id: string): { status: string } | null } }).loomTree.drawnAs(n)
        ?.status ?? null,
    id,
  );

const openSession = (id: string) => openSessionPage(t.rig, id);

test.skipIf(noBrowser)(
  "branch here on a token's alternative makes the sibling, drawn live in this tab and another, and inspects it",
  { timeout: 180_000 },
  async () => {
    await api("POST", "/api/sessions", { sessionId: "tok", seed: "She opened" });
    const g = await api("POST", "/api/sessions/tok/generate", {});
    const original = g.open.candidateNodeIds[0] as string;
    await api("POST", "/api/sessions/tok/choose", { decisionId: g.open.decisionId, nodeId: original });
    const tokens = (await loomOf("tok")).nodes[original]!.tokens!;
    const k = 2;
    const j = tokens[k]!.top!.findIndex((a) => a.text !== tokens[k]!.text);
    expect(j).toBeGreaterThanOrEqual(0);

    const page = await openSession("tok");
    const other = await openSession("tok");
    const nodes = await nodeCount(page);
    await pickNode(page, original);
    const inspector = page.locator('[data-testid="inspector"]');
    const panel = inspector.locator(`[data-testid="token-alternatives"][data-token-index="${k}"]`);
    // A click, again if a live redraw of the inspector took the panel away before it was seen.
    await settles(page, async () => {
      await inspector.locator(`[data-testid="tokens"] .token[data-index="${k}"]`).click();
      await panel.waitFor({ timeout: 1_000 });
    });
    // Every recorded alternative is listed; the one already there has no button.
    expect(await panel.locator(".token-alt").count()).toBe(tokens[k]!.top!.length);
    const taken = tokens[k]!.top!.filter((a) => a.text === tokens[k]!.text).length;
    expect(await panel.locator('[data-testid="branch-here"]').count()).toBe(tokens[k]!.top!.length - taken);
    await panel.locator(`.token-alt[data-alternative="${j}"] [data-testid="branch-here"]`).click();

    const want = `${tokens
      .slice(0, k)
      .map((x) => x.text)
      .join("")}${tokens[k]!.top![j]!.text}`;
    let made = "";
    await settles(page, async () => {
      const loom = await loomOf("tok");
      made = loom.currentPath.at(-1)!;
      expect(made).not.toBe(original);
      expect(loom.nodes[made]!.text).toBe(want);
      expect(loom.nodes[made]!.parentId).toBe(loom.nodes[original]!.parentId);
    });
    // This tab: one more node, drawn on the path, inspected; the text follows it.
    await settles(page, async () => {
      expect(await nodeCount(page)).toBe(nodes + 1);
      expect(await drawnStatus(page, made)).toBe("path");
      expect(await drawnStatus(page, original)).toBe("chosen");
      expect(await inspector.getAttribute("data-node-id")).toBe(made);
      expect(await shownText(page)).toBe(`She opened${want}`);
    });
    // The other tab did nothing and sees it too.
    await settles(other, async () => {
      expect(await nodeCount(other)).toBe(nodes + 1);
      expect(await drawnStatus(other, made)).toBe("path");
    });
    expect(await page.locator('[role="alert"]').textContent()).toBe("");

    // From the keyboard: Enter on a token of the original opens its alternatives; typed text branches there.
    await pickNode(page, original);
    await settles(page, async () => {
      await inspector.locator('[data-testid="tokens"] .token[data-index="1"]').focus();
      await page.keyboard.press("Enter");
      await inspector.locator('[data-testid="token-alternatives"][data-token-index="1"]').waitFor({ timeout: 1_000 });
    });
    await inspector.locator('[data-testid="branch-text"]').fill(" green");
    await page.keyboard.press("Enter");
    await settles(page, async () => {
      expect(await nodeCount(page)).toBe(nodes + 2);
      expect(await shownText(page)).toBe(`She opened${tokens[0]!.text} green`);
    });
    await page.close();
    await other.close();
  },
);
