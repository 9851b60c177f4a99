import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { childrenOf, currentText, nodeText, type Loom } from "@loom/core";
import { afterAll, describe, expect, it } from "vitest";
import { importText, readImportFile, readSession, createSession } from "./index.js";
import { expectSoundLoom, fixtureJson, fixturePath } from "./test-support/foreign-fixtures.js";

const tmp = mkdtempSync(join(tmpdir(), "loom-pyloom-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// biome-ignore lint/suspicious/noExplicitAny: PyLoom's nodes are untyped JSON
type PyNode = any;

/**
 * Walks the PyLoom tree and the loom side by side: the same number of children in the same order, the same
 * segment, and each node's full text equal to PyLoom's (its ancestry's texts joined). Returns the node count.
 */
function expectSameTree(loom: Loom, root: PyNode): number {
  let count = 0;
  const stack: [PyNode, string, string][] = [[root, loom.rootId, ""]];
  while (stack.length > 0) {
    const [py, id, above] = stack.pop()!;
    count++;
    const full = above + py.text;
    expect(loom.nodes[id]!.text).toBe(py.text);
    expect(nodeText(loom, id)).toBe(full);
    if (typeof py.id === "string") expect(id).toBe(py.id);
    const kids = childrenOf(loom, id);
    expect(kids.length).toBe((py.children ?? []).length);
    (py.children ?? []).forEach((c: PyNode, i: number) => stack.push([c, kids[i]!, full]));
  }
  return count;
}

describe("PyLoom import", () => {
  it("reads a tree as PyLoom saves it: every node, its text and place, tags, chapters, the selected node", async () => {
    const raw = fixtureJson("pyloom-lighthouse.json");
    const [result] = await readImportFile(fixturePath("pyloom-lighthouse.json"));
    const { loom, warnings, format } = result!;
    expect(format).toBe("pyloom");
    expectSoundLoom(loom);
    expect(expectSameTree(loom, raw.root)).toBe(9);
    expect(Object.keys(loom.nodes)).toHaveLength(9);
    // selected_node_id is the tip of the current path
    expect(loom.currentPath.at(-1)).toBe("3074457352913436538");
    expect(currentText(loom)).toBe(nodeText(loom, "3074457352913436538"));
    // tags, bookmarks and chapters
    const keeper = "84f21d4a-2027-11ec-9ac4-dfd5122a3f0d";
    expect(loom.tags[keeper]).toEqual(["bookmark", "chapter: The keeper"]);
    expect(loom.bookmarks).toEqual([keeper]);
    expect(loom.tags["1900d69c-5158-11eb-bbcc-cb04361d1607"]).toEqual(["chapter: The noise"]);
    expect(loom.nodes[keeper]!.origin).toBe("human");
    expect(loom.nodes[keeper]!.createdAt).toBe("2023-02-13T21:00:30.000Z");
    // unmapped node fields kept under meta.import.pyloom, counted in a warning
    expect(loom.nodes[keeper]!.meta.import).toMatchObject({
      pyloom: { mutable: true, visited: true, open: true, text_attributes: { child_preview: "The keeper" } },
    });
    expect(warnings.join("\n")).toMatch(/meta\.import\.pyloom: .*visited \(\d+\)/);
    // the file's own settings are on the root
    const file = (loom.nodes[loom.rootId]!.meta.import as { pyloom: { file: Record<string, unknown> } }).pyloom.file;
    expect(Object.keys(file)).toEqual(
      expect.arrayContaining(["generation_settings", "preferences", "chapters", "tags"]),
    );
  });

  it("keeps the model responses' tokens and logprobs where they still spell the text", async () => {
    const raw = fixtureJson("pyloom-lighthouse.json");
    const [result] = await readImportFile(fixturePath("pyloom-lighthouse.json"));
    const { loom, warnings } = result!;
    const response = raw.model_responses["cmpl-6xKq3mNpRfT1"];
    const b0 = loom.nodes["9b1c2d3e-5c6e-11eb-b0b9-7576d99a7ee4"]!;
    const tokens = b0.tokens!.toArray();
    const written = response.completions[0].tokens;
    expect(tokens.map((t) => t.text)).toEqual(written.map((t: PyNode) => t.generatedToken.token));
    expect(tokens.map((t) => t.logprob)).toEqual(written.map((t: PyNode) => t.generatedToken.logprob));
    // counterfactuals become the top alternatives, most likely first
    const cf = Object.entries<number>(written[0].counterfactuals).sort((a, b) => b[1] - a[1]);
    expect(tokens[0]!.top).toEqual(cf.map(([text, logprob]) => ({ text, logprob })));
    expect(b0.stepLogprob).toBeCloseTo(
      written.reduce((s: number, t: PyNode) => s + t.generatedToken.logprob, 0),
      9,
    );
    expect(b0.meta).toMatchObject({ model: "davinci-002", finishReason: "length" });
    // the raw OpenAI response of an older tree maps too
    const raw0 = loom.nodes["3074457352913436538"]!.tokens!.toArray();
    expect(raw0.map((t) => t.logprob)).toEqual(
      raw.model_responses["cmpl-3mpwvOSNXHuPcwDgvMUzTbJduHFSQ"].choices[0].logprobs.token_logprobs,
    );
    // an edited node keeps its text, not tokens that no longer spell it; a discarded response gives no tokens
    expect(loom.nodes["d7c95224-5c70-11eb-b0b9-7576d99a7ee4"]!.tokens).toBeNull();
    expect(loom.nodes["d7c95226-5c70-11eb-b0b9-7576d99a7ee4"]!.tokens).toBeNull();
    const all = warnings.join("\n");
    expect(all).toContain("1 generated node(s) were edited after generation");
    expect(all).toContain("1 generated node(s) point at a model response the file does not hold");
    expect(all).toContain("3 generated node(s) keep their model response's tokens");
  });

  it("reads a large tree (600 nodes, 150 responses) whole, and it saves as a session", async () => {
    const raw = fixtureJson("pyloom-large.json");
    const [result] = await readImportFile(fixturePath("pyloom-large.json"));
    const { loom } = result!;
    expectSoundLoom(loom);
    expect(expectSameTree(loom, raw.root)).toBe(600);
    const withTokens = Object.values(loom.nodes).filter((n) => n.tokens !== null);
    expect(withTokens).toHaveLength(599);
    expect(loom.currentPath.at(-1)).toBe(raw.selected_node_id);
    const dest = join(tmp, "large");
    await (await createSession(dest, loom)).close();
    const back = (await readSession(dest)).loom;
    expect(currentText(back)).toBe(currentText(loom));
    expect(Object.keys(back.nodes)).toHaveLength(600);
  });
});

describe("PyLoom creation times", () => {
  it("reads %Y-%m-%d-%H.%M.%S as UTC and keeps any other stamp as written, counted in a warning", () => {
    const stamps = [
      "2023-03-01-09.05.59",
      "2023-03-01 09:05:59",
      "2023-3-01-09.05.59",
      "2023-03-01-09.05.5x",
      "2023-03-01-09.05.599",
      "",
    ];
    const doc = {
      root: {
        id: "r",
        text: "Once",
        meta: { creation_timestamp: "1999-12-31-23.59.58", source: "prompt" },
        children: stamps.map((stamp, i) => ({
          id: `c${i}`,
          text: ` ${i}`,
          meta: { creation_timestamp: stamp, source: "AI" },
          children: [],
        })),
      },
    };
    const { loom, warnings } = importText(JSON.stringify(doc), "times.json", { now: "2026-01-01T00:00:00.000Z" })[0]!;
    expect(loom.nodes.r!.createdAt).toBe("1999-12-31T23:59:58.000Z");
    expect(loom.nodes.c0!.createdAt).toBe("2023-03-01T09:05:59.000Z");
    for (let i = 1; i < stamps.length; i++) {
      const node = loom.nodes[`c${i}`]!;
      expect(node.createdAt).toBe("2026-01-01T00:00:00.000Z");
      expect((node.meta.import as PyNode).pyloom.meta.creation_timestamp).toBe(stamps[i]);
    }
    expect(warnings.join("\n")).toContain("5 creation_timestamp(s) were not PyLoom's");
    expect(warnings.join("\n")).toContain("2 creation time(s) carry no time zone");
  });
});
