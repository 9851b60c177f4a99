// Refusals that say why: a stop with nothing open to stop, and candidates whose tip moved away while the model worked.
import { afterAll, beforeAll, expect, test } from "vitest";
import { ScriptedGenerator } from "@loom/generators/test";
import { startTestServer, type TestServer } from "./helpers.js";

let t: TestServer;
beforeAll(async () => {
  // A model that takes 600 ms: long enough for another client to move the tip meanwhile.
  t = await startTestServer({
    backendOptions: { generatorFor: () => new ScriptedGenerator({ seed: 2, delayMs: 600 }) },
  });
});
afterAll(() => t.stop());

test("stop with no open decision answers 409 with the reason; after a stop, a second one says it is already stopped", async () => {
  await t.call("POST", "/api/sessions", { sessionId: "calm", seed: "Quiet" });
  const early = await t.call("POST", "/api/sessions/calm/stop", {});
  expect(early.status).toBe(409);
  expect(early.body.error).toMatchObject({ code: "nothing_to_stop" });
  expect(early.body.error.message).toContain("generate candidates first");
  expect((await t.call("POST", "/api/sessions/calm/generate", {})).status).toBe(200);
  expect((await t.call("POST", "/api/sessions/calm/stop", {})).status).toBe(200);
  const again = await t.call("POST", "/api/sessions/calm/stop", {});
  expect(again.status).toBe(409);
  expect(again.body.error.code).toBe("already_stopped");
});

test("generate fails with 409 when the tip moved while it ran, and attaches nothing to the old tip", async () => {
  await t.call("POST", "/api/sessions", { sessionId: "moving", seed: "The road" });
  const generating = t.call("POST", "/api/sessions/moving/generate", {});
  await new Promise((r) => setTimeout(r, 150));
  // Another client writes at the tip while the model works.
  expect((await t.call("POST", "/api/sessions/moving/write", { text: " bent east" })).status).toBe(200);
  const generated = await generating;
  expect(generated.status).toBe(409);
  expect(generated.body.error.message).toContain("the tip moved while candidates were generated");
  const { body: loom } = await t.call("GET", "/api/sessions/moving/export?format=json");
  const decisions = Object.values(loom.loom.decisions) as { parentNodeId: string; candidateNodeIds: string[] }[];
  // Only the written continuation's decision exists under the root: no candidates for the text nobody sees.
  expect(decisions).toHaveLength(1);
  expect(decisions[0]!.candidateNodeIds).toHaveLength(1);
  expect(Object.keys(loom.loom.nodes)).toHaveLength(2);
});
