import { readFileSync } from "node:fs";
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
import { z } from "zod";
import {
  exportDot,
  exportJson,
  exportMarkdown,
  jsonExportJsonSchema,
  parseJsonExport,
  readPythonSession,
} from "./index.js";
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
  it("is the loom with the current text, parseable back with the schema", async () => {
    const out = JSON.parse(await exportJson(loom));
    expect(out).toMatchObject({ format: "loom-export", version: 2, text: CURRENT });
    expect(LoomSchema.parse(out.loom)).toEqual(loom);
    expect(out.fullText).toBeUndefined();
    expect(parseJsonExport(out, "x.json")).toMatchObject({ format: "loom-export", version: 2, loom });
  });

  it("optionally carries each node's full text", async () => {
    const out = JSON.parse(await exportJson(loom, { fullText: true }));
    for (const id of Object.keys(loom.nodes)) expect(out.fullText[id]).toBe(nodeText(loom, id));
    expect(out.fullText["1b8f6d2c0e34"]).toBe(CURRENT);
  });

  it("reads both variants of version 1 (the CLI's, and the server's with fullText inside each node)", async () => {
    const v2 = JSON.parse(await exportJson(loom, { fullText: true }));
    const cliV1 = { ...v2, version: 1 };
    const nodes = Object.fromEntries(
      Object.entries(v2.loom.nodes as Record<string, object>).map(([id, n]) => [
        id,
        { ...n, fullText: v2.fullText[id] },
      ]),
    );
    const serverV1 = { format: "loom-export", version: 1, loom: { ...v2.loom, nodes } };
    for (const doc of [cliV1, serverV1]) expect(parseJsonExport(doc, "old.json")).toMatchObject({ version: 1, loom });
  });

  it("refuses a newer version, another format and a broken loom, naming the file and field", () => {
    const bad: [unknown, RegExp][] = [
      [
        { format: "loom-export", version: 3, loom: {} },
        /old\.json \(field version\): version 3 was written by a newer Loom/,
      ],
      [{ format: "loom-export", version: "2", loom: {} }, /\(field version\)/],
      [{ format: "something-else" }, /\(field format\): is not a Loom export/],
      [[1, 2], /\(field format\)/],
      [{ format: "loom-export", version: 2, loom: { version: 1, sessionId: "s" } }, /\(field loom\./],
    ];
    for (const [doc, message] of bad) expect(() => parseJsonExport(doc, "old.json")).toThrow(message);
  });

  it("publishes a JSON Schema generated from the zod schema, which a real export meets", async () => {
    const generated = jsonExportJsonSchema();
    const shipped = JSON.parse(readFileSync(new URL("../loom-export.schema.json", import.meta.url), "utf8"));
    const documented = JSON.parse(
      readFileSync(new URL("../../../docs/loom-export.schema.json", import.meta.url), "utf8"),
    );
    // Regenerate both with `pnpm --filter @loom/io run schema` after changing the export's schema.
    expect(shipped).toEqual(generated);
    expect(documented).toEqual(generated);
    const validator = z.fromJSONSchema(generated);
    expect(validator.safeParse(JSON.parse(await exportJson(loom, { fullText: true }))).success).toBe(true);
    expect(validator.safeParse({ format: "loom-export", version: 2, text: "", exportedAt: "x" }).success).toBe(false);
  });
});

describe("pruned subtrees in exports", () => {
  /** The fixture with the held branch's rejected sibling pruned ("e15c7b3d2f88" and what hangs under it). */
  const pruned = async (): Promise<Loom> => {
    const l = LoomSchema.parse(JSON.parse(await exportJson(loom)).loom);
    pruneNode(l, "e15c7b3d2f88");
    return l;
  };
  const textOf = (l: Loom, id: string) => l.nodes[id]!.text.trim().slice(0, 20);

  it("Markdown and DOT do not show them; the current text is the same", async () => {
    const l = await pruned();
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

  it("JSON keeps them marked pruned (an import keeps them hidden); with purge it drops them and still loads", async () => {
    const l = await pruned();
    const kept = LoomSchema.parse(JSON.parse(await exportJson(l)).loom);
    expect(kept.nodes["e15c7b3d2f88"]).toBeDefined();
    expect(kept.pruned).toEqual(["e15c7b3d2f88"]);
    expect(isPruned(kept, "e15c7b3d2f88")).toBe(true);
    const purged = LoomSchema.parse(JSON.parse(await exportJson(l, { purge: true })).loom);
    expect(purged.nodes["e15c7b3d2f88"]).toBeUndefined();
    expect(purged.pruned).toEqual([]);
    expect(Object.keys(purged.nodes).length).toBeLessThan(Object.keys(l.nodes).length);
    expect(findInvariantViolations(purged)).toEqual([]);
    expect(currentText(purged)).toBe(CURRENT);
  });
});
