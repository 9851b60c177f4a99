// Other tool → Loom → other tool keeps every node's text and the tree's shape (PyLoom and Loomsidian, the two plain-JSON targets).
import { currentText } from "@loom/core";
import { describe, expect, it } from "vitest";
import { exportLoomsidian, exportPyloom, importText } from "./index.js";
import { fixturePath, fixtureText } from "./test-support/foreign-fixtures.js";

// biome-ignore lint/suspicious/noExplicitAny: the tools' files are untyped JSON
type Doc = any;

/** The two PyLoom trees have the same shape, texts and ids (where the first had ids), node for node. */
function expectSamePyloomTree(a: Doc, b: Doc): number {
  let count = 0;
  const stack: [Doc, Doc][] = [[a, b]];
  while (stack.length > 0) {
    const [x, y] = stack.pop()!;
    count++;
    expect(y.text).toBe(x.text);
    if (typeof x.id === "string") expect(y.id).toBe(x.id);
    const xs = x.children ?? [];
    expect(y.children.length).toBe(xs.length);
    xs.forEach((c: Doc, i: number) => stack.push([c, y.children[i]]));
  }
  return count;
}

describe("round trip through Loom", () => {
  for (const [name, nodes] of [
    ["pyloom-lighthouse.json", 9],
    ["pyloom-large.json", 600],
  ] as const) {
    it(`PyLoom ${name} → Loom → PyLoom: same tree, texts, tags, chapters, selection and tokens`, () => {
      const original = JSON.parse(fixtureText(name));
      const [first] = importText(fixtureText(name), fixturePath(name));
      const written = exportPyloom(first!.loom);
      const back = JSON.parse(written);
      expect(expectSamePyloomTree(original.root, back.root)).toBe(nodes);
      expect(back.selected_node_id).toBe(original.selected_node_id);
      expect(back.chapters).toEqual(original.chapters);
      expect(back.generation_settings).toEqual(original.generation_settings);
      // and it reads back into the same loom: texts, tokens, tags
      const [again] = importText(written, "/tmp/back.json");
      const a = first!.loom;
      const b = again!.loom;
      expect(currentText(b)).toBe(currentText(a));
      expect(Object.keys(b.nodes).sort()).toEqual(Object.keys(a.nodes).sort());
      for (const id in a.nodes) {
        expect(b.nodes[id]!.text).toBe(a.nodes[id]!.text);
        expect(b.nodes[id]!.parentId).toBe(a.nodes[id]!.parentId);
        expect(b.nodes[id]!.tokens?.toArray() ?? null).toEqual(a.nodes[id]!.tokens?.toArray() ?? null);
        expect(b.nodes[id]!.origin).toBe(a.nodes[id]!.origin);
      }
      expect(b.tags).toEqual(a.tags);
      expect(b.bookmarks).toEqual(a.bookmarks);
    });
  }

  it("PyLoom export writes any depth (no recursion): a 20,000-node chain", () => {
    // Written as text: JSON.stringify itself recurses, and fails at this depth.
    const open = Array.from({ length: 20000 }, (_, i) => `{"id":"n${i}","text":"${i === 0 ? "a" : " b"}","children":[`);
    const text = `{"root":${open.join("")}${"]}".repeat(20000)},"selected_node_id":"n19999"}`;
    const [r] = importText(text, "/tmp/chain.json");
    expect(r!.loom.currentPath).toHaveLength(20000);
    const [back] = importText(exportPyloom(r!.loom), "/tmp/chain-back.json");
    expect(currentText(back!.loom)).toBe(`a${" b".repeat(19999)}`);
  });

  for (const name of ["loomsidian-vault.json", "loomsidian-large.json"]) {
    it(`Loomsidian ${name} → Loom → Loomsidian: each note's nodes, texts, parents, bookmarks and current node`, () => {
      const original = JSON.parse(fixtureText(name));
      const imported = importText(fixtureText(name), fixturePath(name));
      let into: unknown = { settings: original.settings };
      for (const r of imported) into = JSON.parse(exportLoomsidian(r.loom, { into }));
      const back = into as Doc;
      expect(back.settings).toEqual(original.settings);
      expect(Object.keys(back.state)).toEqual(Object.keys(original.state));
      for (const note of Object.keys(original.state)) {
        const a = original.state[note];
        const b = back.state[note];
        expect(b.current).toBe(a.current);
        expect(Object.keys(b.nodes).sort()).toEqual(Object.keys(a.nodes).sort());
        for (const id in a.nodes) {
          expect(b.nodes[id].text).toBe(a.nodes[id].text);
          expect(b.nodes[id].parentId).toBe(a.nodes[id].parentId);
          expect(b.nodes[id].bookmarked).toBe(a.nodes[id].bookmarked);
          expect(b.nodes[id]).toEqual(a.nodes[id]);
        }
        expect(b.hoisted).toEqual(a.hoisted);
      }
    });
  }

  it("a Loom's own session exports to Loomsidian as a note named after its title", () => {
    const [r] = importText(fixtureText("miniloom-harbor.json"), fixturePath("miniloom-harbor.json"));
    const data = JSON.parse(exportLoomsidian(r!.loom));
    expect(Object.keys(data.state)).toEqual(["miniloom-harbor.md"]);
    const [back] = importText(JSON.stringify(data), "/tmp/data.json");
    expect(currentText(back!.loom)).toBe(currentText(r!.loom));
    expect(Object.keys(back!.loom.nodes)).toHaveLength(Object.keys(r!.loom.nodes).length);
  });
});
