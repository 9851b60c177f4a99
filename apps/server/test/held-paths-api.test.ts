// Held paths over real HTTP: hold, list, switch and back, release; bad bodies name the field, unknown nodes are 404, a running session 409.
import { ScriptedGenerator } from "@loom/generators/test";
import { afterAll, beforeAll, expect, test } from "vitest";
import { clarifyingSelectorFor, startTestServer, type TestServer } from "./helpers.js";
import { subscribe } from "./sse-client.js";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({
    backendOptions: {
      generatorFor: () => new ScriptedGenerator({ seed: 7 }),
      selectorFor: clarifyingSelectorFor,
    },
  });
});
afterAll(() => t.stop());

async function twoSteps(sessionId: string) {
  await t.call("POST", "/api/sessions", { seed: "The lamp burned", sessionId });
  const firsts: string[][] = [];
  for (const pick of [0, 1]) {
    const g = await t.call("POST", `/api/sessions/${sessionId}/generate`, {});
    firsts.push(g.body.open.candidateNodeIds);
    await t.call("POST", `/api/sessions/${sessionId}/choose`, {
      decisionId: g.body.open.decisionId,
      nodeId: g.body.open.candidateNodeIds[pick],
    });
  }
  return firsts;
}

test("hold a rejected branch, switch to it (the text is its text, the path left held), switch back, release", async () => {
  const [first] = await twoSteps("held");
  const rejected = first![1]!;
  const page = await t.call("GET", "/api/sessions/held");
  const leftText = page.body.text as string;

  const held = await t.call("POST", "/api/sessions/held/paths/hold", { nodeId: rejected });
  expect(held.status, JSON.stringify(held.body)).toBe(200);
  const listed = await t.call("GET", "/api/sessions/held/paths");
  expect(listed.status).toBe(200);
  expect(listed.body.current.depth).toBe(2);
  expect(listed.body.held).toEqual([expect.objectContaining({ heldId: "h1", tipId: rejected, depth: 1 })]);

  const switched = await t.call("POST", "/api/sessions/held/paths/switch", { to: "h1" });
  expect(switched.status, JSON.stringify(switched.body)).toBe(200);
  expect(switched.body.tip).toBe(rejected);
  const there = await t.call("GET", "/api/sessions/held");
  expect(there.body.currentPath.at(-1)).toBe(rejected);
  expect(leftText.startsWith(there.body.text)).toBe(false);
  expect(there.body.heldPaths).toEqual([expect.objectContaining({ heldId: "h1", textEnd: leftText })]);

  expect((await t.call("POST", "/api/sessions/held/paths/switch", { to: "h1" })).status).toBe(200);
  expect((await t.call("GET", "/api/sessions/held")).body.text).toBe(leftText);
  const released = await t.call("POST", "/api/sessions/held/paths/release", { held: "h1" });
  expect(released.status).toBe(200);
  expect((await t.call("GET", "/api/sessions/held/paths")).body.held).toEqual([]);
});

test("bad bodies name the field; unknown nodes and held ids are 404; the tip is 409", async () => {
  await twoSteps("bad");
  const extra = await t.call("POST", "/api/sessions/bad/paths/hold", { node: "x" });
  expect(extra.status).toBe(400);
  expect(JSON.stringify(extra.body.error)).toContain("node");
  const missing = await t.call("POST", "/api/sessions/bad/paths/switch", {});
  expect(missing.status).toBe(400);
  expect(missing.body.error.field).toBe("to");
  const wrongType = await t.call("POST", "/api/sessions/bad/paths/release", { held: 3 });
  expect(wrongType.status).toBe(400);
  expect(wrongType.body.error.field).toBe("held");

  const unknown = await t.call("POST", "/api/sessions/bad/paths/hold", { nodeId: "n_nosuch" });
  expect(unknown.status).toBe(404);
  expect(unknown.body.error).toMatchObject({ code: "unknown_node", field: "nodeId" });
  const noHeld = await t.call("POST", "/api/sessions/bad/paths/switch", { to: "h4" });
  expect(noHeld.status).toBe(404);
  expect(noHeld.body.error).toMatchObject({ code: "unknown_held_path", field: "to" });
  const tip = (await t.call("GET", "/api/sessions/bad")).body.currentPath.at(-1);
  const current = await t.call("POST", "/api/sessions/bad/paths/switch", { to: tip });
  expect(current.status).toBe(409);
  expect((await t.call("POST", "/api/sessions/bad/paths/hold", {})).status).toBe(200);
  expect((await t.call("POST", "/api/sessions/bad/paths/hold", {})).status).toBe(409);
  expect((await t.call("GET", "/api/sessions/nosuch/paths")).status).toBe(404);
});

test("while a selector runs the session, hold and switch are refused with 409 and change nothing", async () => {
  await t.call("POST", "/api/sessions", { seed: "The storm", sessionId: "busy", selector: { mode: "stateless" } });
  const events = await subscribe(`${t.server.url}/api/sessions/busy/events`);
  expect((await t.call("POST", "/api/sessions/busy/run", {})).status).toBe(202);
  await events.waitFor((e) => e.event === "clarification-asked");
  const hold = await t.call("POST", "/api/sessions/busy/paths/hold", {});
  expect(hold.status).toBe(409);
  expect(hold.body.error.code).toBe("session_running");
  const root = (await t.call("GET", "/api/sessions/busy")).body.rootId;
  expect((await t.call("POST", "/api/sessions/busy/paths/switch", { to: root })).status).toBe(409);
  expect((await t.call("GET", "/api/sessions/busy/paths")).body.held).toEqual([]);
  await t.call("POST", "/api/sessions/busy/run/cancel", {});
  events.close();
});
