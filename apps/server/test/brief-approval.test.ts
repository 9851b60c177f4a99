// The agent's update_brief during a server-side run waits for the human over HTTP: GET …/brief shows the proposal, POST …/brief/approval answers it (agent on the strict Anthropic replay server).
import { ScriptedGenerator } from "@loom/generators/test";
import { anthropicAgentModel, createAgenticSelector } from "@loom/selectors";
import {
  ANTHROPIC_RULES,
  anthropicToolReply as toolReply,
  lastToolResult,
  startStrictReplayServer,
  type StrictReplayServer,
} from "@loom/testkit";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startTestServer, type TestServer } from "./helpers.js";
import { subscribe } from "./sse-client.js";

let t: TestServer;
let llm: StrictReplayServer;

beforeAll(async () => {
  llm = await startStrictReplayServer(ANTHROPIC_RULES);
  t = await startTestServer({
    backendOptions: {
      generatorFor: () => new ScriptedGenerator({ seed: 7 }),
      selectorFor: () =>
        createAgenticSelector({
          model: anthropicAgentModel({ apiKey: "k", baseURL: llm.url, model: "claude-sonnet-5-5", maxRetries: 0 }),
        }),
    },
  });
});
afterAll(async () => {
  await t.stop();
  await llm.close();
});

const proposal = { changes: { avoid: ["Explaining the storm"] }, reason: "the storm works best unexplained" };

async function runUntilProposal(id: string) {
  const made = await t.call("POST", "/api/sessions", { seed: "The storm", sessionId: id });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  llm.enqueue(
    { body: toolReply(1, "generate_candidates", {}) },
    { body: toolReply(2, "update_brief", proposal) },
    { body: toolReply(3, "stop_generation", { reason: "done" }) },
  );
  const events = await subscribe(`${t.server.url}/api/sessions/${id}/events`);
  expect((await t.call("POST", `/api/sessions/${id}/run`, {})).status).toBe(202);
  await events.waitFor((e) => e.event === "brief-change-proposed");
  return events;
}

test("approved over HTTP, the change is brief version 2 and the agent is told", async () => {
  expect((await t.call("POST", "/api/sessions/x/brief/approval", { approved: true })).status).toBe(404);
  const events = await runUntilProposal("approve");
  const waiting = await t.call("GET", "/api/sessions/approve/brief");
  expect(waiting.body).toMatchObject({
    briefVersion: 1,
    pendingChange: { changed: ["avoid"], reason: proposal.reason, proposed: { avoid: ["Explaining the storm"] } },
  });
  expect((await t.call("POST", "/api/sessions/approve/brief/approval", { approved: "yes" })).body.error.field).toBe(
    "approved",
  );
  const answered = await t.call("POST", "/api/sessions/approve/brief/approval", { approved: true, note: "good" });
  expect(answered.status).toBe(200);
  expect(answered.body).toMatchObject({
    briefVersion: 2,
    pendingChange: null,
    brief: { avoid: ["Explaining the storm"] },
  });
  await events.waitFor((e) => e.event === "run-finished");
  expect(lastToolResult(llm.requests[2]!)).toEqual({
    approved: true,
    briefVersion: 2,
    changed: ["avoid"],
    note: "good",
  });
  const page = await t.call("GET", "/api/sessions/approve");
  expect(page.body.history.at(-1)).toMatchObject({ action: "stop", briefVersion: 2 });
  // Nothing waits any more.
  expect((await t.call("POST", "/api/sessions/approve/brief/approval", { approved: true })).status).toBe(409);
  events.close();
});

test("refused over HTTP, the brief stays at version 1", async () => {
  const events = await runUntilProposal("refuse");
  const answered = await t.call("POST", "/api/sessions/refuse/brief/approval", { approved: false });
  expect(answered.body).toMatchObject({ briefVersion: 1, pendingChange: null, brief: { avoid: [] } });
  await events.waitFor((e) => e.event === "run-finished");
  expect(lastToolResult(llm.requests[5]!)).toEqual({ approved: false, briefVersion: 1 });
  events.close();
});
