import { currentText, nodeText, type Loom } from "@loom/core";
import { describe, expect, it } from "vitest";
import { readImportFile } from "./index.js";
import { LOOMSIDIAN_ROOT } from "./loomsidian-import.js";
import { expectSoundLoom, fixtureJson, fixturePath, parentsOf } from "./test-support/foreign-fixtures.js";

// biome-ignore lint/suspicious/noExplicitAny: Loomsidian's notes are untyped JSON
type Note = any;

/** Loomsidian's text of a node: its own and its ancestors' segments, root first (as the plugin renders a note). */
function fullText(note: Note, id: string): string {
  const nodes = Array.isArray(note.nodes) ? Object.fromEntries(note.nodes.map((n: Note) => [n.id, n])) : note.nodes;
  let text = "";
  for (let at: string | null = id; at !== null; at = nodes[at].parentId ?? null)
    text = (nodes[at].text ?? nodes[at].value) + text;
  return text;
}

/** Every node of the note is in the loom under the same parent (a note's several roots under the added root), with its full text. */
function expectSameNote(loom: Loom, note: Note): void {
  const list: [string, Note][] = Array.isArray(note.nodes)
    ? note.nodes.map((n: Note) => [n.id, n])
    : Object.entries(note.nodes);
  const roots = list.filter(([, n]) => (n.parentId ?? null) === null).length;
  expect(Object.keys(loom.nodes)).toHaveLength(list.length + (roots > 1 ? 1 : 0));
  const parents = parentsOf(loom);
  for (const [id, n] of list) {
    expect(parents[id]).toBe(n.parentId ?? (roots > 1 ? LOOMSIDIAN_ROOT : null));
    expect(nodeText(loom, id)).toBe(fullText(note, id));
  }
  expect(loom.currentPath.at(-1)).toBe(note.current);
}

describe("Loomsidian import", () => {
  it("reads every note of a vault's data.json, each as its own loom, with bookmarks and the current node", async () => {
    const raw = fixtureJson("loomsidian-vault.json");
    const results = await readImportFile(fixturePath("loomsidian-vault.json"));
    expect(results.map((r) => [r.format, r.note])).toEqual([
      ["loomsidian", "Stories/Lighthouse.md"],
      ["loomsidian", "Drafts/Two roots.md"],
    ]);
    for (const r of results) {
      expectSoundLoom(r.loom);
      expectSameNote(r.loom, raw.state[r.note!]);
    }
    const [lighthouse, twoRoots] = results as [(typeof results)[0], (typeof results)[0]];
    expect(lighthouse.loom.brief.title).toBe("Lighthouse");
    const note = raw.state["Stories/Lighthouse.md"];
    const bookmarked = Object.entries<Note>(note.nodes)
      .filter(([, n]) => n.bookmarked)
      .map(([id]) => id);
    expect(lighthouse.loom.bookmarks.sort()).toEqual(bookmarked.sort());
    expect(currentText(lighthouse.loom)).toBe(
      "The keeper climbed the stairs with the lamp oil, The wind was in the glass.",
    );
    // unmapped node fields (collapsed, unread, lastVisited, color…) and the note's hoisted/searchTerm are kept
    const someId = Object.keys(note.nodes)[4]!;
    expect(lighthouse.loom.nodes[someId]!.meta.import).toEqual({
      loomsidian: { collapsed: false, unread: true, searchResultState: null, color: "blue" },
    });
    const rootMeta = lighthouse.loom.nodes[lighthouse.loom.rootId]!.meta.import as {
      loomsidian: Record<string, unknown>;
    };
    expect(rootMeta.loomsidian.file).toMatchObject({ hoisted: [lighthouse.loom.rootId], searchTerm: "" });
    // two roots hang under one empty root, and the reader is told
    expect(twoRoots.loom.rootId).toBe(LOOMSIDIAN_ROOT);
    expect(twoRoots.loom.nodes[LOOMSIDIAN_ROOT]!.text).toBe("");
    expect(twoRoots.warnings.join("\n")).toContain("2 root nodes");
    // the settings hold an API key: never imported
    const everything = JSON.stringify(results.map((r) => r.loom));
    expect(everything).not.toContain("sk-fixture-not-a-real-key");
    expect(lighthouse.warnings.join("\n")).toContain("settings were not imported (they hold API keys)");
  });

  it("imports one note when asked, and refuses a note the vault does not have", async () => {
    const [one, ...none] = await readImportFile(fixturePath("loomsidian-vault.json"), { note: "Drafts/Two roots.md" });
    expect(none).toEqual([]);
    expect(one!.note).toBe("Drafts/Two roots.md");
    await expect(readImportFile(fixturePath("loomsidian-vault.json"), { note: "Nope.md" })).rejects.toThrow(
      /field state\["Nope\.md"\].*one of: Stories\/Lighthouse\.md, Drafts\/Two roots\.md/,
    );
  });

  it("reads an older plugin's note: nodes as a list, `value` for the text, `author` for the model", async () => {
    const raw = fixtureJson("loomsidian-old-note.json");
    const [r] = await readImportFile(fixturePath("loomsidian-old-note.json"));
    expectSoundLoom(r!.loom);
    expectSameNote(r!.loom, raw);
    const [, second, third] = raw.nodes;
    expect(r!.loom.nodes[second.id]).toMatchObject({ origin: "generated", meta: { model: "code-davinci-002" } });
    expect(r!.loom.nodes[third.id]!.origin).toBe("human");
    expect(r!.loom.bookmarks).toEqual([second.id]);
  });

  it("reads a large note (600 nodes) and a small one from one data.json", async () => {
    const raw = fixtureJson("loomsidian-large.json");
    const results = await readImportFile(fixturePath("loomsidian-large.json"));
    expect(results.map((r) => Object.keys(r.loom.nodes).length)).toEqual([600, 12]);
    for (const r of results) {
      expectSoundLoom(r.loom);
      expectSameNote(r.loom, raw.state[r.note!]);
    }
  });
});
