// PUT /api/sessions/:id/brief over real HTTP: a new brief version that later decisions record; bad fields named; JSON only.
import { afterAll, beforeAll, expect, test } from "vitest";
import { startTestServer, type TestServer } from "./helpers.js";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.stop());

test("the brief is replaced as version 2; the page shows it, and the next decision records it", async () => {
  const made = await t.call("POST", "/api/sessions", {
    seed: "The attention was a hand",
    brief: { title: "Worldspider", sectionIntent: "Generation from the inside.", avoid: ["Neat resolution"] },
  });
  expect(made.status).toBe(201);
  const id = made.body.id as string;
  expect(made.body.briefVersion).toBe(1);

  // A first decision under version 1.
  const first = await t.call("POST", `/api/sessions/${id}/generate`, {});
  await t.call("POST", `/api/sessions/${id}/choose`, {
    decisionId: first.body.open.decisionId,
    nodeId: first.body.open.candidateNodeIds[0],
  });

  const put = await t.call("PUT", `/api/sessions/${id}/brief`, {
    title: "Worldspider",
    sectionIntent: "The hand lets go.",
    avoid: ["Neat resolution", "Explaining the hand"],
  });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
  expect(put.body).toMatchObject({ ok: true, briefVersion: 2, changed: ["avoid", "sectionIntent"] });
  const again = await t.call("PUT", `/api/sessions/${id}/brief`, {
    title: "Worldspider",
    sectionIntent: "The hand lets go.",
    avoid: ["Neat resolution", "Explaining the hand"],
  });
  expect(again.body).toMatchObject({ briefVersion: 2, changed: [] });

  const second = await t.call("POST", `/api/sessions/${id}/generate`, {});
  await t.call("POST", `/api/sessions/${id}/choose`, {
    decisionId: second.body.open.decisionId,
    nodeId: second.body.open.candidateNodeIds[1],
  });
  const page = await t.call("GET", `/api/sessions/${id}`);
  expect(page.body.briefVersion).toBe(2);
  expect(page.body.brief).toMatchObject({
    sectionIntent: "The hand lets go.",
    avoid: ["Neat resolution", "Explaining the hand"],
  });
  expect(page.body.history.map((d: { briefVersion: number }) => d.briefVersion)).toEqual([1, 2]);
});

test("an unknown or mistyped field is a 400 naming it; a non-JSON body is refused; the brief stays", async () => {
  const id = (await t.call("POST", "/api/sessions", { seed: "x", brief: { voice: "Plain" } })).body.id as string;
  const unknown = await t.call("PUT", `/api/sessions/${id}/brief`, { mood: "dark" });
  expect(unknown.status).toBe(400);
  expect(unknown.body.error.field).toBe("mood");
  const typed = await t.call("PUT", `/api/sessions/${id}/brief`, { leanInto: "Aliveness" });
  expect(typed.status).toBe(400);
  expect(typed.body.error.field).toBe("leanInto");
  const form = await fetch(`${t.server.url}/api/sessions/${id}/brief`, {
    method: "PUT",
    headers: { "content-type": "text/plain" },
    body: "voice=Loud",
  });
  expect(form.status).toBe(415);
  expect((await t.call("GET", `/api/sessions/${id}`)).body).toMatchObject({
    briefVersion: 1,
    brief: { voice: "Plain" },
  });
  expect((await t.call("PUT", "/api/sessions/nope/brief", {})).status).toBe(404);
});

test("the OpenAPI document lists the route", async () => {
  const doc = (await t.call("GET", "/api/openapi.json")).body;
  expect(doc.paths["/api/sessions/{id}/brief"].put.operationId).toBe("putBrief");
});
