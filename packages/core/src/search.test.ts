// Search reads queries literally and reports snippets at the match's own offsets, whatever the text's characters.
import { describe, expect, it } from "vitest";
import { addHumanNode, createLoom, searchLoom, sequentialEnv } from "./index.js";

function loomOf(...texts: string[]) {
  const env = sequentialEnv();
  const loom = createLoom({ seed: "" }, env);
  const ids = texts.map((text) => addHumanNode(loom, loom.rootId, text, env).nodeId);
  return { loom, ids };
}

describe("searchLoom", () => {
  it("shows the match itself when characters before it change length in lower case", () => {
    // "İ" lower-cases to two code units; an offset taken from the lower-cased text would land one character late.
    const { loom, ids } = loomOf("İİİİ the lantern glowed");
    const [hit] = searchLoom(loom, "LANTERN", { context: 0 });
    expect(hit).toMatchObject({ nodeId: ids[0], field: "text" });
    expect(hit!.snippet).toBe("…lantern…");
  });

  it("takes the query as written: characters that mean something in a pattern match only themselves", () => {
    const { loom, ids } = loomOf("a.b and (c)", "axb and c");
    expect(searchLoom(loom, "a.b").map((h) => h.nodeId)).toEqual([ids[0]]);
    expect(searchLoom(loom, "(c)").map((h) => h.nodeId)).toEqual([ids[0]]);
    expect(searchLoom(loom, "[a-z]")).toEqual([]);
    expect(searchLoom(loom, "\\")).toEqual([]);
  });

  it("puts a snippet on one line and marks where it was cut", () => {
    const { loom } = loomOf("first line\n\n  then   the second\tline and more words after it");
    const [hit] = searchLoom(loom, "then", { context: 6 });
    expect(hit!.snippet).toBe("…ne then the…");
    expect(searchLoom(loom, "FIRST", { context: 3 })[0]!.snippet).toBe("first li…");
  });
});
