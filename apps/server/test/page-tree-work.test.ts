// Tree work on the page in Chromium: the selected node's buttons (edit, split at an offset or the caret, merge, prune and restore, move, bookmark, tag, undo, redo), search hits ringed in the tree and listed as paths, collapse / expand and hoist, keyboard walking with Enter checking out, and unread marks on nodes made since the last visit.
import { expect, test } from "vitest";
import type { Page } from "playwright-core";
import { ScriptedGenerator } from "@loom/generators/test";
import {
  continueSession,
  noBrowser,
  openSessionPage,
  pickNode,
  playSession,
  settles,
  treePosition,
  useBrowserRig,
} from "./browser.js";

const t = useBrowserRig(() => ({
  backendOptions: {
    // Three distinct candidates per step, so each node's words are its own.
    generatorFor: () => {
      let step = 0;
      return new ScriptedGenerator({
        script: () => {
          step++;
          return [` amber${step} lamp`, ` cobalt${step} door`, ` willow${step} stair`];
        },
      });
    },
  },
}));
const { api } = t;

/** A session of two steps, the first candidate chosen each time; returns the decisions' candidates. */
async function twoSteps(id: string): Promise<string[][]> {
  return (await playSession(api, id, { seed: "The house" }, [0, 0])).map((g) => g.open.candidateNodeIds);
}

async function loomOf(id: string): Promise<any> {
  return (await api("GET", `/api/sessions/${id}/export?format=json`)).loom;
}

type Drawn = {
  status: string;
  hiddenBelow: number;
  highlighted: boolean;
  bookmarked: boolean;
  unread: boolean;
  root: boolean;
};
const drawn = (page: Page, id: string): Promise<Drawn | null> =>
  page.evaluate(
    (n) => (window as unknown as { loomTree: { drawnAs(id: string): Drawn | null } }).loomTree.drawnAs(n),
    id,
  );
const shownText = async (page: Page) => (await page.locator('[data-testid="text"] .seg').allTextContents()).join("");
const nodeCount = (page: Page) => page.locator('[data-testid="tree"]').getAttribute("data-node-count");

const pick = pickNode;

const openSession = (id: string) => openSessionPage(t.rig, id);

test.skipIf(noBrowser)(
  "the selected node's buttons split (offset and caret), merge, undo, redo, edit, bookmark, tag, prune and restore, and move",
  { timeout: 180_000 },
  async () => {
    const [step1, step2] = await twoSteps("work");
    const page = await openSession("work");
    const text = await shownText(page);
    expect(text).toBe("The house amber1 lamp amber2 lamp");
    const tip = step2![0]!;
    const nodes = Number(await nodeCount(page));

    await pick(page, tip);
    await page.fill('[data-testid="split-offset"]', "7");
    await page.click('[data-testid="split-offset-button"]');
    await settles(page, async () => expect(Number(await nodeCount(page))).toBe(nodes + 1));
    expect(await shownText(page)).toBe(text);
    expect((await page.locator('[data-testid="text"] .seg').allTextContents()).slice(-2)).toEqual([" amber2", " lamp"]);

    await page.click('[data-testid="undo-button"]');
    await settles(page, async () => expect(Number(await nodeCount(page))).toBe(nodes));
    await page.click('[data-testid="redo-button"]');
    await settles(page, async () => expect(Number(await nodeCount(page))).toBe(nodes + 1));
    // Merge the two halves back from the first one.
    await pick(page, tip);
    await page.click('[data-testid="merge-button"]');
    await settles(page, async () => expect(Number(await nodeCount(page))).toBe(nodes));
    expect(await shownText(page)).toBe(text);

    // Split at the caret: the writer places it in the node's text.
    await pick(page, tip);
    await page.locator('[data-testid="node-text"]').evaluate((t: HTMLTextAreaElement) => {
      t.focus();
      t.setSelectionRange(8, 8);
    });
    await page.click('[data-testid="split-caret"]');
    await settles(page, async () =>
      expect((await page.locator('[data-testid="text"] .seg').allTextContents()).slice(-2)).toEqual([
        " amber2 ",
        "lamp",
      ]),
    );
    await page.click('[data-testid="undo-button"]');
    await settles(page, async () => expect(Number(await nodeCount(page))).toBe(nodes));

    // Edit: a new version beside the node; the text follows it.
    await pick(page, tip);
    await page.fill('[data-testid="node-text"]', " and the rain");
    await page.click('[data-testid="edit-button"]');
    await settles(page, async () => expect(await shownText(page)).toBe("The house amber1 lamp and the rain"));
    await page.click('[data-testid="undo-button"]');
    await settles(page, async () => expect(await shownText(page)).toBe(text));

    // Bookmark and tag the first step.
    const first = step1![0]!;
    await pick(page, first);
    await page.click('[data-testid="bookmark-button"]');
    await settles(page, async () => expect((await drawn(page, first))?.bookmarked).toBe(true));
    await pick(page, first);
    await page.fill('[data-testid="tag-input"]', "keeper");
    await page.click('[data-testid="tag-button"]');
    await settles(page, async () =>
      expect(await page.locator('[data-testid="tags"] .tag').allTextContents()).toEqual(["#keeper×"]),
    );
    expect((await loomOf("work")).tags[first]).toEqual(["keeper"]);

    // Prune a rejected candidate: it leaves the tree; "show pruned" draws it faded, and Restore brings it back.
    const cobalt = step1![1]!;
    await pick(page, cobalt);
    await page.click('[data-testid="prune-button"]');
    await settles(page, async () => expect(await drawn(page, cobalt)).toBeNull());
    await page.check('[data-testid="show-pruned"]');
    await settles(page, async () => expect((await drawn(page, cobalt))?.status).toBe("pruned"));
    await pick(page, cobalt);
    await page.click('[data-testid="restore-button"]');
    await settles(page, async () => expect((await drawn(page, cobalt))?.status).toBe("rejected"));
    await page.uncheck('[data-testid="show-pruned"]');

    // Move: the willow candidate goes under the cobalt one, picked in the tree.
    const willow = step1![2]!;
    await pick(page, willow);
    await page.click('[data-testid="move-button"]');
    await expect.poll(() => page.locator('[data-testid="move-hint"]').isVisible()).toBe(true);
    await page.evaluate(
      (n) => (window as unknown as { loomTree: { focus(id: string): void } }).loomTree.focus(n),
      cobalt,
    );
    const pos = await treePosition(page, cobalt);
    expect(pos).not.toBeNull();
    await page.mouse.click(pos!.x, pos!.y);
    await settles(page, async () =>
      expect(
        await page.evaluate(
          (n) => (window as unknown as { loomTree: { parentOf(id: string): string | null } }).loomTree.parentOf(n),
          willow,
        ),
      ).toBe(cobalt),
    );
    expect((await loomOf("work")).nodes[willow].parentId).toBe(cobalt);
    expect(await page.locator('[role="alert"]').textContent()).toBe("");
    await page.close();
  },
);

test.skipIf(noBrowser)(
  "search rings its hits in the tree and lists them as paths (a click jumps there); collapse, expand and hoist",
  { timeout: 120_000 },
  async () => {
    const [step1, step2] = await twoSteps("find");
    const page = await openSession("find");
    await page.fill('[data-testid="search-input"]', "cobalt");
    await page.click('[data-testid="search-button"]');
    const hits = page.locator('[data-testid="search-results"] .hit-button');
    await settles(page, async () => expect(await hits.count()).toBe(2));
    const paths = await page.locator('[data-testid="search-results"] .hit-path').allTextContents();
    expect(paths).toEqual(["The house › cobalt1 door", "The house › amber1 lamp › cobalt2 door"]);
    for (const id of [step1![1]!, step2![1]!]) expect((await drawn(page, id))?.highlighted).toBe(true);
    expect((await drawn(page, step1![0]!))?.highlighted).toBe(false);
    await hits.nth(1).click();
    await page.waitForSelector(`[data-testid="inspector"][data-node-id="${step2![1]}"]`);

    // Collapse the first step: what is under it leaves the tree and the node says how much it holds.
    const first = step1![0]!;
    const nodes = Number(await nodeCount(page));
    await pick(page, first);
    await page.click('[data-testid="collapse-button"]');
    await settles(page, async () => {
      expect(await drawn(page, step2![0]!)).toBeNull();
      expect((await drawn(page, first))?.hiddenBelow).toBe(3);
    });
    expect(Number(await nodeCount(page))).toBe(nodes - 3);
    await pick(page, first);
    await page.click('[data-testid="collapse-button"]');
    await settles(page, async () => expect(Number(await nodeCount(page))).toBe(nodes));

    // Hoist it: its subtree is the whole tree until "Whole tree".
    await pick(page, first);
    await page.click('[data-testid="hoist-button"]');
    await settles(page, async () => {
      expect(Number(await nodeCount(page))).toBe(4);
      expect((await drawn(page, first))?.root).toBe(true);
      expect(await drawn(page, step1![1]!)).toBeNull();
    });
    await page.click('[data-testid="unhoist-button"]');
    await settles(page, async () => expect(Number(await nodeCount(page))).toBe(nodes));
    await page.close();
  },
);

test.skipIf(noBrowser)(
  "unread marks on nodes made since the last visit; arrows walk the tree, b and n reach bookmarks and unread nodes, Enter checks out",
  { timeout: 120_000 },
  async () => {
    const [step1] = await twoSteps("walk2");
    const first = await openSession("walk2");
    // A first visit has nothing unread.
    await settles(first, async () => expect((await drawn(first, step1![1]!))?.unread).toBe(false));
    await first.waitForFunction(() => localStorage.getItem("loom:seen:walk2") !== null);
    await first.close();
    // Meanwhile: three new candidates at the tip, and a bookmark on a rejected one.
    const g = await api("POST", "/api/sessions/walk2/generate", {});
    const fresh = g.open.candidateNodeIds as string[];
    await api("POST", `/api/sessions/walk2/nodes/${step1![2]}/bookmark`, {});

    const page = await openSession("walk2");
    await settles(page, async () => {
      for (const id of fresh) expect((await drawn(page, id))?.unread, `${id} is marked unread`).toBe(true);
      expect((await drawn(page, step1![1]!))?.unread).toBe(false);
    });
    await page.focus('[data-testid="tree-canvas"]');
    // From the tip: right to its first child (a new candidate), which is then read and inspected.
    await page.keyboard.press("ArrowRight");
    await page.waitForSelector(`[data-testid="inspector"][data-node-id="${fresh[0]}"]`);
    expect((await drawn(page, fresh[0]!))?.unread).toBe(false);
    await page.keyboard.press("n");
    await page.waitForSelector(`[data-testid="inspector"][data-node-id="${fresh[1]}"]`);
    await page.keyboard.press("ArrowDown");
    await page.waitForSelector(`[data-testid="inspector"][data-node-id="${fresh[2]}"]`);
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("ArrowLeft");
    await page.waitForSelector(`[data-testid="inspector"][data-node-id="${step1![0]}"]`);
    await page.keyboard.press("b");
    await page.waitForSelector(`[data-testid="inspector"][data-node-id="${step1![2]}"]`);
    await page.keyboard.press("Enter");
    await settles(page, async () => expect(await shownText(page)).toBe("The house willow1 stair"));
    // Marking all read clears the rest.
    await page.click('[data-testid="mark-read"]');
    await settles(page, async () => expect((await drawn(page, fresh[1]!))?.unread).toBe(false));
    await page.close();

    // Ten more steps while away: the next visit marks exactly their candidates off the path.
    const before = (await api("GET", "/api/sessions/walk2/tree")).nodes.id as string[];
    const made: string[] = [];
    for (let i = 0; i < 10; i++) {
      const [step] = await continueSession(api, "walk2", [0]);
      made.push(...step!.open.candidateNodeIds);
    }
    const third = await openSession("walk2");
    const path = new Set((await api("GET", "/api/sessions/walk2?limit=1&steps=100")).currentPath as string[]);
    await settles(third, async () => {
      for (const id of made) expect((await drawn(third, id))?.unread, id).toBe(!path.has(id));
      for (const id of before.slice(0, 12)) expect((await drawn(third, id))?.unread, id).toBe(false);
    });
    // What this browser keeps of the session is a handful of ids, however many nodes it has.
    const kept = await third.evaluate(() => localStorage.getItem("loom:seen:walk2") ?? "");
    const ids = before.length + made.length;
    expect(JSON.parse(kept).count).toBe(ids);
    expect(kept.length).toBeLessThan(400);
    expect(JSON.stringify([...before, ...made]).length).toBeGreaterThan(4 * kept.length);
    await third.close();
  },
);

test.skipIf(noBrowser)(
  "a split at the tip whose summary arrives before the tree redraws the text whole, not its second half twice",
  { timeout: 120_000 },
  async () => {
    const [, step2] = await twoSteps("halves");
    const page = await openSession("halves");
    const text = await shownText(page);
    const nodes = Number(await nodeCount(page));
    // The whole-session read after tree work is held back, so the summary read after the request lands first.
    // The split keeps the tip's id for its first half: the path only grows, but the tip's text is shorter.
    const held: (() => Promise<void>)[] = [];
    await page.route(/\/api\/sessions\/halves\/tree(\?.*)?$/, (route) => void held.push(() => route.continue()));
    const tip = step2![0]!;
    await pick(page, tip);
    await page.fill('[data-testid="split-offset"]', "7");
    await page.click('[data-testid="split-offset-button"]');
    await settles(page, async () => expect(Number(await nodeCount(page))).toBe(nodes + 1));
    expect(held.length).toBeGreaterThan(0);
    expect(await shownText(page)).toBe(text);
    expect((await page.locator('[data-testid="text"] .seg').allTextContents()).slice(-2)).toEqual([" amber2", " lamp"]);
    await page.close();
  },
);
