// Exoloom exports (the format Tapestry Loom's migration-assistant reads): a small tree and a large one (600 nodes),
// each node's text, parent, author and time, bookmarks and pruned nodes, checked against the file itself.
import { nodeText, type Loom } from "@loom/core";
import { describe, expect, it } from "vitest";
import { readImportFile } from "./index.js";
import { expectSoundLoom, fixtureJson, fixturePath, parentsOf } from "./test-support/foreign-fixtures.js";

interface ExoNode {
  content: string;
  authorType: "USER" | "LLM";
  authorName: string | null;
  parentId: number | null;
  childrenIds: number[];
  createdAt: string | null;
}

/** The text Exoloom shows for a node: its ancestors' contents and its own, from the root down. */
function exoText(nodes: Record<string, ExoNode>, id: string): string {
  const parts: string[] = [];
  for (let at: string | null = id; at !== null; ) {
    const n: ExoNode = nodes[at]!;
    parts.push(n.content);
    at = n.parentId === null ? null : String(n.parentId);
  }
  return parts.reverse().join("");
}

function expectSameTree(loom: Loom, file: { tree: { nodes: Record<string, ExoNode> }; lens: Record<string, unknown> }) {
  const nodes = file.tree.nodes;
  expect(Object.keys(loom.nodes).sort()).toEqual(Object.keys(nodes).sort());
  const parents = parentsOf(loom);
  for (const [id, n] of Object.entries(nodes)) {
    expect(parents[id]).toBe(n.parentId === null ? null : String(n.parentId));
    expect(nodeText(loom, id)).toBe(exoText(nodes, id));
    const node = loom.nodes[id]!;
    expect(node.origin).toBe(n.parentId === null ? "seed" : n.authorType === "LLM" ? "generated" : "human");
    if (n.authorType === "LLM" && n.authorName !== null) expect(node.meta.model).toBe(n.authorName);
    if (n.authorType === "USER" && n.authorName !== null)
      expect((node.meta.import as { exoloom: { authorName: string } }).exoloom.authorName).toBe(n.authorName);
    if (n.createdAt !== null) expect(node.createdAt).toBe(new Date(n.createdAt).toISOString());
    // Children in the file's order.
    const kids = Object.values(loom.nodes).filter((k) => k.parentId === id);
    expect(kids.map((k) => k.id)).toEqual(n.childrenIds.map(String));
  }
  const ids = (key: string) => new Set((file.lens[key] as { nodeId: number }[]).map((e) => String(e.nodeId)));
  expect(new Set(loom.bookmarks)).toEqual(ids("bookmarks"));
  expect(new Set(loom.pruned)).toEqual(ids("prunedNodes"));
}

describe("Exoloom import", () => {
  it("reads a small export: texts, authors, times, a bookmark and a pruned branch", async () => {
    const file = fixtureJson("exoloom-export.json");
    const [r] = await readImportFile(fixturePath("exoloom-export.json"));
    expect(r!.format).toBe("exoloom");
    expectSoundLoom(r!.loom);
    expectSameTree(r!.loom, file);
    expect(r!.loom.brief.title).toBe("Tidewater");
  });

  it("reads a large export (600 nodes) whole: every node's text, parent and author, bookmarks and pruned nodes", async () => {
    const file = fixtureJson("exoloom-large.json");
    expect(Object.keys(file.tree.nodes)).toHaveLength(600);
    const [r] = await readImportFile(fixturePath("exoloom-large.json"));
    expectSoundLoom(r!.loom);
    expectSameTree(r!.loom, file);
    // The current path runs down first children from the root, as Loom picks one when the file names none.
    const path = r!.loom.currentPath;
    for (let i = 1; i < path.length; i++) expect(path[i]).toBe(String(file.tree.nodes[path[i - 1]!].childrenIds[0]));
    expect(file.tree.nodes[path.at(-1)!].childrenIds).toEqual([]);
  });
});
