// The compact tree route and the bounded summary (issue 12, item 10): the tree as columns without tokens, paged, and `?limit=2` a small page rather than the whole path.
import { join } from "node:path";
import { createSession } from "@loom/io";
import { realisticLoom } from "@loom/testkit";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startTestServer, type TestServer } from "./helpers.js";

let t: TestServer;
/** 150 decisions × 8 realistic candidates (6 tokens with top-5 alternatives each): 1,201 nodes, 150 steps deep. */
const loom = realisticLoom({ decisions: 150, branching: 8, seed: 4 });
loom.sessionId = "wide";

beforeAll(async () => {
  t = await startTestServer();
  await (await createSession(join(t.dir, "wide"), loom)).close();
});
afterAll(async () => t?.stop());

test("the tree route gives every node's id, parent, text and logprob as columns, in creation order, without tokens", async () => {
  const res = await t.call("GET", "/api/sessions/wide/tree");
  expect(res.status).toBe(200);
  const ids = Object.keys(loom.nodes);
  const page = res.body;
  expect(page.total).toBe(ids.length);
  expect(page.nodes.id).toEqual(ids);
  for (const column of Object.values(page.nodes) as unknown[][]) expect(column).toHaveLength(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const node = loom.nodes[ids[i]!]!;
    const parent = page.nodes.parent[i];
    expect(parent === -1 ? null : ids[parent]).toBe(node.parentId);
    expect(parent).toBeLessThan(i);
    expect(page.nodes.text[i]).toBe(node.text);
    expect(page.decisions[page.nodes.decision[i]]?.id ?? null).toBe(node.decisionId);
    expect(page.nodes.stepLogprob[i] ?? null).toBeCloseTo(node.stepLogprob ?? 0, 2);
  }
  const raw = JSON.stringify(page);
  expect(raw).not.toContain('"tokens"');
  expect(raw).not.toContain('"top":');
  // Every decision that offered a node is there, with what the tree needs of it.
  expect(page.decisions).toHaveLength(Object.keys(loom.decisions).length);
  // A page is a fraction of the whole session's JSON (tokens with alternatives are most of a node).
  const full = (await t.call("GET", "/api/sessions/wide/export?format=json")).body;
  expect(raw.length * 5).toBeLessThan(JSON.stringify(full).length);
  expect(page.page).toEqual({ cursor: 0, limit: 20_000, nextCursor: null });
});

test("the tree route pages by cursor, and a parent on an earlier page is named by its index", async () => {
  const first = await t.call("GET", "/api/sessions/wide/tree?limit=500");
  expect(first.body.page.nextCursor).toBe(500);
  const second = await t.call("GET", "/api/sessions/wide/tree?limit=500&cursor=500");
  const ids = Object.keys(loom.nodes);
  expect(second.body.nodes.id).toEqual(ids.slice(500, 1000));
  const at = second.body.nodes.parent[0];
  expect(ids[at]).toBe(loom.nodes[ids[500]!]!.parentId);
  expect(at).toBeLessThan(500);
  // Bounds are checked and named.
  const bad = await t.call("GET", "/api/sessions/wide/tree?limit=0");
  expect(bad.status).toBe(400);
  expect(bad.body.error.field).toBe("limit");
  // Unchanged since the ETag: 304.
  const etag = (await fetch(`${t.server.url}/api/sessions/wide/tree`)).headers.get("etag")!;
  const again = await fetch(`${t.server.url}/api/sessions/wide/tree`, { headers: { "if-none-match": etag } });
  expect(again.status).toBe(304);
});

test("`?limit=2` is a page of two nodes and the latest steps, not the whole path and history", async () => {
  const small = await t.call("GET", "/api/sessions/wide?limit=2");
  expect(small.body.nodes).toHaveLength(2);
  expect(small.body.path).toHaveLength(101);
  // The history holds the decisions that made those path nodes, oldest first.
  expect(small.body.history.map((d: { id: string }) => d.id)).toEqual(
    small.body.path.map((n: { decisionId: string }) => n.decisionId),
  );
  expect(small.body.pathStart).toBe(loom.currentPath.length - 101);
  expect(small.body.path.map((n: { id: string }) => n.id)).toEqual(loom.currentPath.slice(-101));
  // The whole text and path ids are still there; `steps` asks for more of the path's nodes.
  expect(small.body.currentPath).toEqual(loom.currentPath);
  const all = await t.call("GET", "/api/sessions/wide?limit=2&steps=1000");
  expect(all.body.pathStart).toBe(0);
  expect(all.body.path).toHaveLength(loom.currentPath.length);
  expect(all.body.history).toHaveLength(loom.currentPath.length - 1);
  expect(all.body.history[0].parentNodeId).toBe(loom.rootId);
  expect(JSON.stringify(small.body).length).toBeLessThan(JSON.stringify(all.body).length * 0.8);
});

test("a glance at a session not yet open comes from its stored digest: the path's text and the tree around the tip", async () => {
  const other = realisticLoom({ decisions: 40, branching: 8, seed: 9 });
  other.sessionId = "closed";
  await (await createSession(join(t.dir, "closed"), other)).close();
  const res = await t.call("GET", "/api/sessions/closed/glance");
  expect(res.status).toBe(200);
  expect(res.body.read).toBe("digest");
  expect(res.body.path).toEqual(other.currentPath);
  expect(res.body.texts.join("")).toBe(other.currentPath.map((id) => other.nodes[id]!.text).join(""));
  expect(res.body.stats.nodes).toBe(Object.keys(other.nodes).length);
  // Ten steps above the tip, each step's alternatives folded: a window, parents before children.
  const ids = res.body.tree.map((r: { id: string }) => r.id);
  expect(ids).toContain(other.currentPath.at(-1));
  expect(ids).not.toContain(other.rootId);
  expect(ids.length).toBeLessThan(Object.keys(other.nodes).length / 2);
  // Asking for it started opening the session: a second glance comes from the open session.
  await expect
    .poll(async () => (await t.call("GET", "/api/sessions/closed/glance")).body.read, { timeout: 20_000 })
    .toBe("open");
  const unknown = await t.call("GET", "/api/sessions/nothing-here/glance");
  expect(unknown.status).toBe(404);
});

test("a node moved under a younger node names its parent on a later page", async () => {
  const moved = realisticLoom({ decisions: 150, branching: 8, seed: 5 });
  moved.sessionId = "moved";
  await (await createSession(join(t.dir, "moved"), moved)).close();
  const ids = Object.keys(moved.nodes);
  // A candidate the first decision left (a leaf on the first page), under a node of the third page.
  const leaf = ids.slice(1, 9).find((id) => !moved.currentPath.includes(id))!;
  const parent = ids[1100]!;
  const res = await t.call("POST", `/api/sessions/moved/nodes/${leaf}/move`, { parentId: parent });
  expect(res.status).toBe(200);
  const first = await t.call("GET", "/api/sessions/moved/tree?limit=500");
  const at = first.body.nodes.parent[first.body.nodes.id.indexOf(leaf)];
  expect(at).toBeGreaterThanOrEqual(1000);
  const third = await t.call("GET", `/api/sessions/moved/tree?limit=500&cursor=${at - (at % 500)}`);
  expect(third.body.nodes.id[at % 500]).toBe(parent);
});
