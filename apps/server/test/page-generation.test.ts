// Memory, author's note and sampling controls on the page in Chromium: the writer fills the form, saves, and the next candidates are asked for with them in the prompt.
import { ScriptedGenerator } from "@loom/generators/test";
import { expect, test } from "vitest";
import { noBrowser, openSessionPage, pickNode, playSession, settles, useBrowserRig } from "./browser.js";

const generators = new Map<string, ScriptedGenerator>();

const t = useBrowserRig(() => ({
  backendOptions: {
    generatorFor: (loom) => {
      const g = new ScriptedGenerator({ seed: 3 });
      generators.set(loom.sessionId, g);
      return g;
    },
  },
}));
const { api } = t;

test.skipIf(noBrowser)(
  "the writer sets memory, an author's note and top-k on the page; the generator's next prompt holds them",
  { timeout: 60_000 },
  async () => {
    await playSession(api, "mem", { seed: "The harbour" }, [0]);
    const page = await t.rig.browser.newPage();
    await page.goto(`${t.rig.server.url}/s/mem`);
    await page.waitForSelector('[data-testid="history"] li');
    await page.click('[data-testid="generation-panel"] > summary');
    // The form shows the session's settings once read.
    await settles(page, async () =>
      expect(await page.inputValue('[data-testid="generation-authorsNoteDepth"]')).toBe("3"),
    );
    await page.fill('[data-testid="generation-memory"]', "Gulls everywhere.");
    await page.fill('[data-testid="generation-authorsNote"]', "Night is falling.");
    await page.fill('[data-testid="generation-authorsNoteDepth"]', "1");
    await page.fill('[data-testid="generation-topK"]', "12");
    await page.fill('[data-testid="generation-logitBias"]', "{oops");
    await page.click('[data-testid="generation-save"]');
    // A bad field is named and nothing is saved.
    await settles(page, async () =>
      expect(await page.locator('.error[role="alert"]').innerText()).toContain("logitBias"),
    );
    expect((await api("GET", "/api/sessions/mem/generation")).memory).toBe("");

    await page.fill('[data-testid="generation-logitBias"]', '{"7": -100}');
    await page.click('[data-testid="generation-save"]');
    await settles(page, async () =>
      expect(await page.locator('[data-testid="generation-saved"]').innerText()).toContain("Saved"),
    );
    expect(await api("GET", "/api/sessions/mem/generation")).toMatchObject({
      memory: "Gulls everywhere.",
      authorsNote: "Night is falling.",
      authorsNoteDepth: 1,
      topK: 12,
      logitBias: { "7": -100 },
    });

    const calls = generators.get("mem")!.calls;
    const before = calls.length;
    await page.click('[data-testid="generate-button"]');
    await settles(page, async () => expect(calls.length).toBe(before + 1));
    const loom = (await api("GET", "/api/sessions/mem/export?format=json")).loom;
    const first = loom.nodes[loom.currentPath[1]].text;
    expect(calls.at(-1)).toMatchObject({
      prompt: `Gulls everywhere.\n\nThe harbour\n[Author's note: Night is falling.]\n${first}`,
      topK: 12,
      logitBias: { "7": -100 },
    });

    // A built-in preset from the panel's list: applied at once (a journaled config change).
    await page.selectOption('[data-testid="generation-preset"]', "stable");
    await page.click('[data-testid="generation-apply-preset"]');
    await settles(page, async () =>
      expect(await page.locator('[data-testid="generation-saved"]').innerText()).toContain("stable applied"),
    );
    expect(await api("GET", "/api/sessions/mem/generation")).toMatchObject({
      branchingFactor: 4,
      temperature: 0.85,
      memory: "Gulls everywhere.",
    });
    await page.close();
  },
);

test.skipIf(noBrowser)(
  "the writer sets an author's note for one subtree in the inspector; prompts below that node hold it, and clearing it removes it",
  { timeout: 60_000 },
  async () => {
    const [g] = await playSession(api, "sub", { seed: "The orchard" }, [0]);
    const chosen = g!.open.candidateNodeIds[0]!;
    const page = await openSessionPage(t.rig, "sub");
    await pickNode(page, chosen);
    await page.fill('[data-testid="subtree-note"]', "Frost on every branch.");
    await page.click('[data-testid="subtree-note-button"]');
    await settles(page, async () =>
      expect((await api("GET", "/api/sessions/sub/generation")).subtreeNotes).toEqual({
        [chosen]: "Frost on every branch.",
      }),
    );
    // The inspector shows the note again when the node is picked.
    await settles(page, async () =>
      expect(await page.inputValue('[data-testid="subtree-note"]')).toBe("Frost on every branch."),
    );

    const calls = generators.get("sub")!.calls;
    const before = calls.length;
    await page.click('[data-testid="generate-button"]');
    await settles(page, async () => expect(calls.length).toBe(before + 1));
    const loom = (await api("GET", "/api/sessions/sub/export?format=json")).loom;
    expect(calls.at(-1)!.prompt).toBe(
      // The note depth is 3 segments and the piece has 2: the note goes before all of it.
      `\n[Author's note: Frost on every branch.]\nThe orchard${loom.nodes[chosen].text}`,
    );

    await pickNode(page, chosen);
    await page.fill('[data-testid="subtree-note"]', "");
    await page.click('[data-testid="subtree-note-button"]');
    await settles(page, async () =>
      expect((await api("GET", "/api/sessions/sub/generation")).subtreeNotes).toEqual({}),
    );
    await page.close();
  },
);
