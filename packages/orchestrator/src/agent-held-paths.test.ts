// hold_path and switch_path used by an agent in a session (strict Anthropic replay server): it keeps a rejected branch, goes on, then comes back to it.
import { currentText } from "@loom/core";
import { ScriptedGenerator } from "@loom/generators/test";
import { createSession, openSession } from "@loom/io";
import { anthropicAgentModel, createAgenticSelector } from "@loom/selectors";
import {
  ANTHROPIC_RULES,
  anthropicToolReply,
  lastToolResult,
  lastToolResultText,
  startStrictReplayServer,
  type RecordedRequest,
  type StrictReplayServer,
} from "@loom/testkit";
import { afterEach, beforeEach, expect, it } from "vitest";
import { Orchestrator } from "./orchestrator.js";
import { tempDir, testLoom } from "./test-support.js";

let server: StrictReplayServer;
let tmp: ReturnType<typeof tempDir>;
beforeEach(async () => {
  server = await startStrictReplayServer(ANTHROPIC_RULES);
  tmp = tempDir();
});
afterEach(async () => {
  await server.close();
  tmp.cleanup();
});

let calls = 0;
const toolCall = (name: string, input: unknown) => anthropicToolReply(++calls, name, input, "Paths");
// biome-ignore lint/suspicious/noExplicitAny: results are read field by field as the tools wrote them.
const lastResult = (request: RecordedRequest): any => lastToolResult(request);

it("an agent holds a rejected branch, writes on, switches back to it, and the held paths survive a reopen", async () => {
  const generator = new ScriptedGenerator({
    script: [
      [" the grip", " a thread", " nothing"],
      [" and then", " or not", " but still"],
      [" a hand", " the web", " a spider"],
    ],
  });
  const results: Record<string, any> = {};
  let grip = "";
  let thread = "";
  const idOf = (req: RecordedRequest, text: string) =>
    (lastResult(req).candidates as { id: string; text: string }[]).find((c) => c.text === text)!.id;
  server.enqueue(
    { body: toolCall("generate_candidates", {}) },
    (req) => {
      grip = idOf(req, " the grip");
      thread = idOf(req, " a thread");
      return { body: toolCall("hold_path", { nodeId: grip }) };
    },
    (req) => (
      (results.hold = lastResult(req)),
      { body: toolCall("commit_choice", { candidateId: thread, reason: "a thread, for now" }) }
    ),
    { body: toolCall("generate_candidates", {}) },
    (req) => ({ body: toolCall("commit_choice", { candidateId: idOf(req, " and then"), reason: "on" }) }),
    { body: toolCall("switch_path", { to: "h1" }) },
    (req) => ((results.switched = lastResult(req)), { body: toolCall("generate_candidates", {}) }),
    (req) => ({ body: toolCall("commit_choice", { candidateId: idOf(req, " a hand"), reason: "back to the grip" }) }),
    { body: toolCall("switch_path", { to: "h9" }) },
    (req) => ((results.bad = lastToolResultText(req)), { body: toolCall("stop_generation", { reason: "done" }) }),
  );
  const { loom, env } = testLoom({ selector: { mode: "agentic" } });
  const session = await createSession(tmp.dir, loom);
  const selector = createAgenticSelector({
    model: anthropicAgentModel({ apiKey: "k", baseURL: server.url, model: "claude-sonnet-5-5", maxRetries: 0 }),
  });
  const orch = await Orchestrator.open({ session, generator, selector, env });
  expect(await orch.run()).toMatchObject({ reason: "selector" });

  const seed = "The attention was a hand, and it was holding";
  expect(results.hold).toMatchObject({ held: "h1", tipId: grip, heldPaths: [{ heldId: "h1", tipId: grip, depth: 1 }] });
  // The switch checked the held branch out and held the path it left in its place.
  expect(results.switched.tipId).toBe(grip);
  expect(results.switched.textEndsWith).toContain("holding the grip");
  expect(results.switched.heldPaths).toEqual([
    expect.objectContaining({ heldId: "h1", depth: 2, textEnd: `${seed} a thread and then` }),
  ]);
  expect(results.bad).toMatch(/no held path "h9"/);
  expect(currentText(session.loom)).toBe(`${seed} the grip a hand`);
  await session.close();

  // Journaled: a reopened session has the same current and held paths.
  const again = await openSession(tmp.dir);
  expect(currentText(again.loom)).toBe(`${seed} the grip a hand`);
  expect(again.loom.heldPaths.map((p) => p.length)).toEqual([3]);
  await again.close();
});
