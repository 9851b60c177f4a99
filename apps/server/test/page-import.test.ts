// The page's import in Chromium: a PyLoom file uploaded from the start screen opens as a session with its tree and text; a damaged file is refused in place, naming the field.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "vitest";
import { noBrowser, REPO, useBrowserRig } from "./browser.js";

const FIXTURES = join(REPO, "packages/io/src/__fixtures__/foreign");
const MODEL = process.env.LOOM_MODEL ?? join(REPO, "../shared/models/stories260K.gguf");
// Imported sessions take the server's own generator settings (never the file's).
const t = useBrowserRig(() => ({ defaultConfig: { generator: { provider: "local", model: MODEL } } }));
const { api } = t;

// biome-ignore lint/suspicious/noExplicitAny: PyLoom's nodes are untyped JSON
type PyNode = any;

/** PyLoom's text of the selected node: the texts from the root down to it. */
function selectedText(tree: PyNode): string {
  const walk = (n: PyNode, above: string): string | null => {
    const text = above + n.text;
    if (n.id === tree.selected_node_id) return text;
    for (const c of n.children ?? []) {
      const found = walk(c, text);
      if (found !== null) return found;
    }
    return null;
  };
  return walk(tree.root, "")!;
}

test.skipIf(noBrowser)(
  "a PyLoom file uploaded on the start screen opens as a session; a damaged MiniLoom file is refused in place",
  { timeout: 120_000 },
  async () => {
    const page = await t.rig.browser.newPage();
    await page.goto(t.rig.server.url);
    await page.waitForSelector('[data-testid="import-file"]');
    const before = (await api("GET", "/api/sessions")).sessions.length as number;

    // A damaged file: the note says which field, and no session is made.
    const doc = JSON.parse(readFileSync(join(FIXTURES, "miniloom-harbor.json"), "utf8"));
    doc.loomTree.nodeStore["3"].parent = "1";
    await page.setInputFiles('[data-testid="import-file"]', {
      name: "harbor.json",
      mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify(doc)),
    });
    await expect
      .poll(() => page.locator('[data-testid="import-note"]').textContent())
      .toContain('loomTree.nodeStore["3"].parent');
    expect(await page.locator('[data-testid="import-note"]').getAttribute("class")).toContain("error");
    expect((await api("GET", "/api/sessions")).sessions.length).toBe(before);

    // A PyLoom tree, the format detected: the page opens the new session on its selected node's text.
    const file = join(FIXTURES, "pyloom-lighthouse.json");
    await page.setInputFiles('[data-testid="import-file"]', file);
    await page.waitForURL(/\/s\//).catch(async (error: Error) => {
      throw new Error(
        `${error.message}; the import said: ${await page.locator('[data-testid="import-note"]').textContent()}`,
      );
    });
    const id = decodeURIComponent(new URL(page.url()).pathname.split("/")[2]!);
    const session = await api("GET", `/api/sessions/${id}?limit=1`);
    const tree = JSON.parse(readFileSync(file, "utf8"));
    expect(session.text).toBe(selectedText(tree));
    const listed = (await api("GET", "/api/sessions")).sessions.find((s: { id: string }) => s.id === id);
    expect(listed.nodes).toBe(9);
    await expect.poll(() => page.locator('[data-testid="text"]').textContent()).toContain("The lighthouse keeper");
    await page.close();
  },
);

test.skipIf(noBrowser)(
  "a binary .tapestry weave uploaded on the start screen opens as the same session as its JSON form",
  { timeout: 120_000 },
  async () => {
    const page = await t.rig.browser.newPage();
    await page.goto(t.rig.server.url);
    await page.waitForSelector('[data-testid="import-file"]');
    await page.setInputFiles('[data-testid="import-file"]', join(FIXTURES, "tapestry-harbor.tapestry"));
    await page.waitForURL(/\/s\//).catch(async (error: Error) => {
      throw new Error(
        `${error.message}; the import said: ${await page.locator('[data-testid="import-note"]').textContent()}`,
      );
    });
    const id = decodeURIComponent(new URL(page.url()).pathname.split("/")[2]!);
    const session = await api("GET", `/api/sessions/${id}?limit=1`);
    const json = await api("POST", "/api/sessions/import", {
      text: readFileSync(join(FIXTURES, "tapestry-harbor.json"), "utf8"),
      fileName: "harbor.json",
    });
    const fromJson = await api("GET", `/api/sessions/${json.sessions[0].id}?limit=1`);
    expect(session.text).toBe(fromJson.text);
    await expect.poll(() => page.locator('[data-testid="text"]').textContent()).toContain("The harbor at dusk");
    await page.close();
  },
);
