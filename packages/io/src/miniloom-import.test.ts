import { createRequire } from "node:module";
import { currentText, nodeText, rootPath, type Loom } from "@loom/core";
import { describe, expect, it } from "vitest";
import { readImportFile } from "./index.js";
import { expectSoundLoom, fixtureJson, fixturePath, parentsOf } from "./test-support/foreign-fixtures.js";

// MiniLoom's own patch library renders the expected texts, independently of the import's patch code.
interface Dmp {
  patch_apply(patches: unknown, text: string): [string, boolean[]];
}
const DiffMatchPatch = createRequire(import.meta.url)("diff-match-patch") as new () => Dmp;
const dmp = new DiffMatchPatch();

// biome-ignore lint/suspicious/noExplicitAny: MiniLoom's nodes are untyped JSON
type Store = Record<string, any>;

/** LoomTree.applyPatches: the root's patches down to the node, applied in turn. */
function rendered(store: Store, id: string): string {
  const chain: string[] = [];
  for (let at: string | null = id; at !== null; at = store[at].parent) chain.push(at);
  let text = "";
  for (const at of chain.reverse()) if (store[at].patch !== "") text = dmp.patch_apply(store[at].patch, text)[0];
  return text;
}

function expectSameTree(loom: Loom, store: Store): void {
  expect(Object.keys(loom.nodes).sort()).toEqual(Object.keys(store).sort());
  const parents = parentsOf(loom);
  for (const id in store) {
    expect(nodeText(loom, id)).toBe(rendered(store, id));
    const kept = (loom.nodes[id]!.meta.import as { miniloom?: { parent?: string } } | undefined)?.miniloom?.parent;
    if (kept === undefined) expect(parents[id]).toBe(store[id].parent);
    else {
      // a rewrite hangs under an ancestor of its MiniLoom parent, which is kept
      expect(kept).toBe(store[id].parent);
      expect(rootPath(loom, kept)).toContain(parents[id]);
      expect(loom.nodes[id]!.origin).toBe("edit");
    }
  }
}

describe("MiniLoom import", () => {
  it("renders each node's patches into text, keeps ratings as scores and the focused node as the tip", async () => {
    const raw = fixtureJson("miniloom-harbor.json");
    const store: Store = raw.loomTree.nodeStore;
    const [r] = await readImportFile(fixturePath("miniloom-harbor.json"));
    expect(r!.format).toBe("miniloom");
    expectSoundLoom(r!.loom);
    expectSameTree(r!.loom, store);
    const { loom } = r!;
    expect(loom.currentPath.at(-1)).toBe(raw.focus.id);
    expect(currentText(loom)).toBe(raw.focus.cachedRenderText);
    for (const id in store) {
      const rating = store[id].rating;
      expect(loom.nodes[id]!.scores).toEqual(rating === null ? {} : { rating: rating ? 1 : -1 });
    }
    const gen = Object.keys(store).find((id) => store[id].type === "gen")!;
    expect(loom.nodes[gen]).toMatchObject({
      origin: "generated",
      meta: { model: store[gen].model, finishReason: "length" },
    });
    expect(loom.nodes[gen]!.createdAt).toBe(new Date(store[gen].timestamp).toISOString());
    expect(loom.nodes["2"]!.origin).toBe("human");
    // summary, read, error are kept; the sampler settings too
    expect(loom.nodes[gen]!.meta.import).toMatchObject({ miniloom: { summary: "Generated" } });
    const file = (loom.nodes["1"]!.meta.import as { miniloom: { file: Record<string, unknown> } }).miniloom.file;
    expect(Object.keys(file)).toEqual(["samplerSettingsStore"]);
    expect(r!.warnings.join("\n")).toMatch(/\d+ rating\(s\) kept as the score "rating"/);
  });

  it("reads a large tree (600 nodes) with rewrites: every node's text is MiniLoom's rendering", async () => {
    const raw = fixtureJson("miniloom-large.json");
    const [r] = await readImportFile(fixturePath("miniloom-large.json"));
    expectSoundLoom(r!.loom);
    expectSameTree(r!.loom, raw.loomTree.nodeStore);
    const rewrites = Object.values<{ type: string }>(raw.loomTree.nodeStore).filter((n) => n.type === "rewrite").length;
    expect(rewrites).toBeGreaterThan(5);
    expect(r!.warnings.join("\n")).toMatch(/\d+ node\(s\) rewrite their parent's text/);
  });
});
