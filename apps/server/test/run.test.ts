// A session run server-side by a (scripted) selector while a client watches the events and answers its clarification over HTTP.
import { createScriptedSelector } from "@loom/selectors";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startTestServer, type TestServer } from "./helpers.js";
import { subscribe } from "./sse-client.js";

let t: TestServer;
beforeAll(async () => {
  const { ScriptedGenerator } = await import("@loom/generators/test");
  t = await startTestServer({
    backendOptions: {
      generatorFor: () => new ScriptedGenerator({ seed: 5 }),
      selectorFor: (loom) =>
        loom.config.selector.mode === "human"
          ? null
          : createScriptedSelector([
              (ctx) => ({ action: "choose", choice: ctx.candidates[0]!.id, reason: "the first is fine" }),
              (ctx) => ({
                action: "clarify",
                question: "Should the storm break now or later?",
                candidatesInTension: [ctx.candidates[0]!.id, ctx.candidates[1]!.id],
                whatHingesOnIt: "the pacing of the ending",
              }),
            ]),
    },
  });
});
afterAll(() => t.stop());

test("a selector runs the session; its question waits for the page's answer; the run then ends", async () => {
  const created = await t.call("POST", "/api/sessions", {
    seed: "The storm",
    sessionId: "run",
    selector: { mode: "stateless" },
  });
  expect(created.status).toBe(201);
  const events = await subscribe(`${t.server.url}/api/sessions/run/events`);
  const started = await t.call("POST", "/api/sessions/run/run", {});
  expect(started.status).toBe(202);
  expect((await t.call("POST", "/api/sessions/run/run", {})).status).toBe(409);
  expect((await t.call("POST", "/api/sessions/run/generate", {})).status).toBe(409);

  const asked = await events.waitFor((e) => e.event === "clarification-asked");
  const { decisionId, candidatesInTension } = asked.data as { decisionId: string; candidatesInTension: string[] };
  const page = await t.call("GET", "/api/sessions/run");
  expect(page.body.running).toBe(true);
  expect(page.body.pendingClarification).toMatchObject({
    id: decisionId,
    clarificationQuestion: "Should the storm break now or later?",
  });

  const answered = await t.call("POST", `/api/sessions/run/clarifications/${decisionId}/answer`, {
    answer: "later",
    action: "choose",
    nodeId: candidatesInTension[1],
  });
  expect(answered.status).toBe(200);
  await events.waitFor((e) => e.event === "run-finished");
  const after = await t.call("GET", "/api/sessions/run");
  expect(after.body.running).toBe(false);
  expect(after.body.pendingClarification).toBeNull();
  const clarified = after.body.history.find((d: { id: string }) => d.id === decisionId);
  expect(clarified).toMatchObject({
    action: "choose",
    chosenNodeId: candidatesInTension[1],
    humanResponse: "later",
    chosenBy: "human",
  });
  expect(after.body.stopped).toBe(true);
  expect(events.events.map((e) => e.event)).toEqual(
    expect.arrayContaining(["run-started", "candidates", "decision", "clarification-answered", "run-finished"]),
  );
  events.close();
});

test("a human session has nothing to run", async () => {
  await t.call("POST", "/api/sessions", { seed: "x", sessionId: "human" });
  const res = await t.call("POST", "/api/sessions/human/run", {});
  expect(res.status).toBe(409);
  expect(res.body.error.code).toBe("no_selector");
});
