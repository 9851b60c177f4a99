// Tree work over real HTTP: split, undo/redo, prune, move, marks, edit and search; bad input named, nothing changed; live clients told.
import { afterAll, beforeAll, expect, test } from "vitest";
import { startTestServer, type TestServer } from "./helpers.js";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.stop());

/** A session with two chosen steps (the test server's scripted generator). */
async function twoSteps(): Promise<{ id: string; path: string[]; text: string }> {
  const id = (await t.call("POST", "/api/sessions", { seed: "The lamp burned" })).body.id as string;
  for (const pick of [0, 1]) {
    const g = await t.call("POST", `/api/sessions/${id}/generate`, {});
    await t.call("POST", `/api/sessions/${id}/choose`, {
      decisionId: g.body.open.decisionId,
      nodeId: g.body.open.candidateNodeIds[pick],
    });
  }
  const { path, text } = await textOf(id);
  return { id, path, text };
}

async function textOf(id: string): Promise<{ text: string; path: string[]; count: number }> {
  const loom = (await t.call("GET", `/api/sessions/${id}/export?format=json`)).body.loom as {
    currentPath: string[];
    nodes: Record<string, { text: string }>;
  };
  const text = loom.currentPath.map((n) => loom.nodes[n]!.text).join("");
  return { text, path: loom.currentPath, count: Object.keys(loom.nodes).length };
}

test("split keeps the text and undo/redo take it back and forth; search finds text with its path", async () => {
  const s = await twoSteps();
  const before = await textOf(s.id);
  const tip = s.path.at(-1)!;
  const split = await t.call("POST", `/api/sessions/${s.id}/nodes/${tip}/split`, { offset: 1 });
  expect(split.status, JSON.stringify(split.body)).toBe(200);
  expect(split.body.tip).not.toBe(tip);
  const after = await textOf(s.id);
  expect(after.text).toBe(before.text);
  expect(after.count).toBe(before.count + 1);

  expect((await t.call("POST", `/api/sessions/${s.id}/undo`, {})).status).toBe(200);
  expect(await textOf(s.id)).toEqual(before);
  expect((await t.call("POST", `/api/sessions/${s.id}/redo`, {})).status).toBe(200);
  expect((await textOf(s.id)).count).toBe(before.count + 1);
  const noMore = await t.call("POST", `/api/sessions/${s.id}/redo`, {});
  expect(noMore.status).toBe(409);
  expect(noMore.body.error.code).toBe("nothing_to_redo");

  const word = before.text.trim().split(/\s+/).at(-1)!.replace(/\W/g, "").slice(0, 4) || "lamp";
  const found = await t.call("GET", `/api/sessions/${s.id}/search?q=${encodeURIComponent(word)}&paths=1`);
  expect(found.status).toBe(200);
  expect(found.body.hits.length).toBeGreaterThan(0);
  for (const h of found.body.hits) expect(h.path.at(-1)).toBe(h.nodeId);
});

test("prune hides a branch from search and moves the tip back; move refuses a cycle; marks and edit", async () => {
  const s = await twoSteps();
  const [root, first, second] = s.path as [string, string, string];
  const pruned = await t.call("POST", `/api/sessions/${s.id}/nodes/${second}/prune`, {});
  expect(pruned.status).toBe(200);
  expect(pruned.body.tip).toBe(first);
  const restore = await t.call("POST", `/api/sessions/${s.id}/nodes/${second}/prune`, { restore: true });
  expect(restore.status).toBe(200);

  const cycle = await t.call("POST", `/api/sessions/${s.id}/nodes/${first}/move`, { parentId: second });
  expect(cycle.status).toBe(400);
  expect(cycle.body.error.message).toContain("cycle");
  const rootMove = await t.call("POST", `/api/sessions/${s.id}/nodes/${root}/move`, { parentId: first });
  expect(rootMove.status).toBe(400);

  expect((await t.call("POST", `/api/sessions/${s.id}/nodes/${first}/tag`, { tag: "opening" })).status).toBe(200);
  expect((await t.call("POST", `/api/sessions/${s.id}/nodes/${first}/bookmark`, {})).status).toBe(200);
  const byTag = await t.call("GET", `/api/sessions/${s.id}/search?q=opening`);
  expect(byTag.body.hits).toEqual([expect.objectContaining({ nodeId: first, field: "tag" })]);

  const edited = await t.call("POST", `/api/sessions/${s.id}/nodes/${first}/edit`, { text: " and went out." });
  expect(edited.status).toBe(200);
  expect((await textOf(s.id)).text).toMatch(/ and went out\.$/);
});

test("bad input is a 400 naming the field or the node, unknown nodes are 404, and nothing changes", async () => {
  const s = await twoSteps();
  const before = await textOf(s.id);
  const tip = s.path.at(-1)!;
  const noOffset = await t.call("POST", `/api/sessions/${s.id}/nodes/${tip}/split`, {});
  expect(noOffset.status).toBe(400);
  expect(noOffset.body.error.field).toBe("offset");
  const outside = await t.call("POST", `/api/sessions/${s.id}/nodes/${tip}/split`, { offset: 100_000 });
  expect(outside.status).toBe(400);
  expect(outside.body.error.message).toContain("outside node");
  const extra = await t.call("POST", `/api/sessions/${s.id}/nodes/${tip}/merge`, { force: true });
  expect(extra.status).toBe(400);
  const unknown = await t.call("POST", `/api/sessions/${s.id}/nodes/n_nope/prune`, {});
  expect(unknown.status).toBe(404);
  const emptyQuery = await t.call("GET", `/api/sessions/${s.id}/search?q=`);
  expect(emptyQuery.status).toBe(400);
  expect(await textOf(s.id)).toEqual(before);
});

test("exports hide a pruned branch; JSON keeps it marked pruned, and purge=1 drops it", async () => {
  const s = await twoSteps();
  const loom = (await t.call("GET", `/api/sessions/${s.id}/export?format=json`)).body.loom as {
    decisions: Record<string, { parentNodeId: string; candidateNodeIds: string[] }>;
    nodes: Record<string, { text: string }>;
  };
  // A rejected candidate of the first step, with a text no other node has.
  const step1 = Object.values(loom.decisions).find((d) => d.parentNodeId === s.path[0])!;
  const rejected = step1.candidateNodeIds.find(
    (id) =>
      id !== s.path[1] &&
      Object.values(loom.nodes).filter((n) => n.text.includes(loom.nodes[id]!.text.trim())).length === 1,
  )!;
  const words = loom.nodes[rejected]!.text.trim();
  const md = async () => (await t.call("GET", `/api/sessions/${s.id}/export?format=md`)).body as string;
  expect(await md()).toContain(words);
  expect((await t.call("POST", `/api/sessions/${s.id}/nodes/${rejected}/prune`, {})).status).toBe(200);

  expect(await md()).not.toContain(words);
  const dot = (await t.call("GET", `/api/sessions/${s.id}/export?format=dot`)).body as string;
  expect(dot).not.toContain(rejected);
  expect(dot).toContain(s.path[1]!);
  expect((await t.call("GET", `/api/sessions/${s.id}/export?format=txt`)).body).toBe(s.text);

  const kept = (await t.call("GET", `/api/sessions/${s.id}/export?format=json`)).body.loom;
  expect(kept.nodes[rejected].text).toContain(words);
  expect(kept.pruned).toEqual([rejected]);
  const purged = (await t.call("GET", `/api/sessions/${s.id}/export?format=json&purge=1`)).body.loom;
  expect(purged.nodes[rejected]).toBeUndefined();
  expect(purged.pruned).toEqual([]);
  expect(Object.keys(purged.nodes)).toHaveLength(Object.keys(kept.nodes).length - 1);
  expect((await t.call("GET", `/api/sessions/${s.id}/export?format=json&purge=yes`)).status).toBe(400);
});
