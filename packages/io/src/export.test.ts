import { fileURLToPath } from "node:url";
import {
  addCandidates,
  choose,
  createLoom,
  currentText,
  findInvariantViolations,
  isPruned,
  LoomSchema,
  nodeText,
  pruneNode,
  sequentialEnv,
} from "@loom/core";
import { instance } from "@viz-js/viz";
import { beforeAll, describe, expect, it } from "vitest";
import { exportDot, exportJson, exportMarkdown, readPythonSession } from "./index.js";
import type { Loom } from "@loom/core";

const fixture = fileURLToPath(new URL("./__fixtures__/python-session", import.meta.url));
let loom: Loom;
beforeAll(async () => {
  loom = (await readPythonSession(fixture)).loom;
});

const CURRENT = "The attention was a hand, and it was not a hand at all, only the grip that would not let go of";

describe("Markdown export", () => {
  it("is the current path's text under the brief's title", () => {
    expect(exportMarkdown(loom)).toBe(`# Worldspider Phenomenology\n\n${CURRENT}\n`);
  });

  it("optionally lists every other branch from where it leaves the current path, held ones marked", () => {
    const md = exportMarkdown(loom, { branches: true, context: 20 });
    const branches = md.split("### Branch ").slice(1);
    // leaves: the rejected candidates of each decision, the held branch's tip, the stop's candidates (the current tip has children: not a leaf)
    expect(branches).toHaveLength(7);
    const held = branches.find((b) => b.includes("(held)"))!;
    expect(held).toContain("ends at `5f2d0b6a4c78`");
    expect(held).toContain("> …s a hand, and it was **holding the whole sky of it**");
    // a branch whose text holds a newline stays inside the quote, bold per line
    expect(md).toContain('> … would not let go of **"itself."**\n> \n');
  });
});

describe("DOT export", () => {
  let viz: Awaited<ReturnType<typeof instance>>;
  beforeAll(async () => {
    viz = await instance();
  });

  function rendered(dot: string) {
    const result = viz.render(dot, { format: "json" });
    expect(result.errors.filter((e) => e.level === "error")).toEqual([]);
    expect(result.status).toBe("success");
    return JSON.parse(result.status === "success" ? result.output : "{}") as {
      objects: { name: string; label?: string; fillcolor?: string; shape?: string }[];
    };
  }

  it("renders with Graphviz: every node, the current path highlighted, the clarification and the stop marked", () => {
    const graph = rendered(exportDot(loom));
    const byName = new Map(graph.objects.map((o) => [o.name, o]));
    for (const id of Object.keys(loom.nodes)) expect(byName.has(id)).toBe(true);
    for (const id of loom.currentPath) expect(byName.get(id)!.fillcolor).toBe("#ffe9a8");
    expect(byName.get("b7d2e4f10a33")!.fillcolor).toBe("#dbe9ff"); // held
    expect(byName.get("e15c7b3d2f88")!.fillcolor).toBe("white"); // rejected
    const clarify = byName.get("clarify:6e1b3d8c4a70")!;
    expect(clarify.shape).toBe("note");
    expect(clarify.label).toContain("A: Stay bodily. The grip.");
    expect(byName.get("stop:8a3d5f0c6e92")!.shape).toBe("octagon");
  });

  it("escapes labels so quotes, backslashes, newlines and braces survive", () => {
    const env = sequentialEnv();
    const l = createLoom({ seed: 'He said "no" \\ then}\n{left' }, env);
    const a = addCandidates(l, l.rootId, [{ text: '"]; evil -> x [' }], { env });
    choose(l, a.decisionId, a.nodeIds[0]!, "human", "ok", env);
    const graph = rendered(exportDot(l, { maxLabel: 100 }));
    expect(graph.objects).toHaveLength(2); // nothing in a label broke out into a node or an edge
    const svg = viz.renderString(exportDot(l, { maxLabel: 100 }), { format: "svg" });
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(texts).toEqual(
      expect.arrayContaining(["He said &quot;no&quot; \\ then}", "{left", "&quot;]; evil &#45;&gt; x ["]),
    );
  });
});

describe("JSON export", () => {
  it("is the loom, parseable back with the schema", () => {
    const out = JSON.parse(exportJson(loom));
    expect(out).toMatchObject({ format: "loom-export", version: 1 });
    expect(LoomSchema.parse(out.loom)).toEqual(loom);
    expect(out.loom.nodes[loom.rootId].fullText).toBeUndefined();
  });

  it("optionally carries each node's full text", () => {
    const out = JSON.parse(exportJson(loom, { fullText: true, indent: 0 }));
    for (const id of Object.keys(loom.nodes)) expect(out.loom.nodes[id].fullText).toBe(nodeText(loom, id));
    expect(out.loom.nodes["1b8f6d2c0e34"].fullText).toBe(CURRENT);
  });
});

describe("pruned subtrees in exports", () => {
  /** The fixture with the held branch's rejected sibling pruned ("e15c7b3d2f88" and what hangs under it). */
  const pruned = (): Loom => {
    const l = LoomSchema.parse(JSON.parse(exportJson(loom)).loom);
    pruneNode(l, "e15c7b3d2f88");
    return l;
  };
  const textOf = (l: Loom, id: string) => l.nodes[id]!.text.trim().slice(0, 20);

  it("Markdown and DOT do not show them; the current text is the same", () => {
    const l = pruned();
    const hidden = textOf(l, "e15c7b3d2f88");
    expect(exportMarkdown(loom, { branches: true })).toContain(hidden);
    const md = exportMarkdown(l, { branches: true, decisions: true });
    expect(md).not.toContain(hidden);
    expect(md).toContain(CURRENT);
    expect(md.split("### Branch ").length).toBeLessThan(
      exportMarkdown(loom, { branches: true }).split("### Branch ").length,
    );
    const dot = exportDot(l);
    expect(dot).not.toContain('"e15c7b3d2f88"');
    for (const id of l.currentPath) expect(dot).toContain(`"${id}"`);
  });

  it("JSON keeps them marked pruned (an import keeps them hidden); with purge it drops them and still loads", () => {
    const l = pruned();
    const kept = LoomSchema.parse(JSON.parse(exportJson(l)).loom);
    expect(kept.nodes["e15c7b3d2f88"]).toBeDefined();
    expect(kept.pruned).toEqual(["e15c7b3d2f88"]);
    expect(isPruned(kept, "e15c7b3d2f88")).toBe(true);
    const purged = LoomSchema.parse(JSON.parse(exportJson(l, { purge: true })).loom);
    expect(purged.nodes["e15c7b3d2f88"]).toBeUndefined();
    expect(purged.pruned).toEqual([]);
    expect(Object.keys(purged.nodes).length).toBeLessThan(Object.keys(l.nodes).length);
    expect(findInvariantViolations(purged)).toEqual([]);
    expect(currentText(purged)).toBe(CURRENT);
  });
});
