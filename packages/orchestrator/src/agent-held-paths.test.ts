// hold_path and switch_path used by an agent in a session (strict Anthropic replay server): it keeps a rejected branch, goes on, then comes back to it.
import { currentText } from "@loom/core";
import { ScriptedGenerator } from "@loom/generators/test";
import { createSession, openSession } from "@loom/io";
import { createAgenticSelector } from "@loom/selectors";
import { lastToolResultText, type RecordedRequest } from "@loom/testkit";
import { expect, it } from "vitest";
import { Orchestrator } from "./orchestrator.js";
import { strictAnthropicRig } from "./test-rig.js";
import { testLoom } from "./test-support.js";

const rig = strictAnthropicRig("Paths");

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
    (rig.lastResult(req).candidates as { id: string; text: string }[]).find((c) => c.text === text)!.id;
  rig.server.enqueue(
    { body: rig.toolCall("generate_candidates", {}) },
    (req) => {
      grip = idOf(req, " the grip");
      thread = idOf(req, " a thread");
      return { body: rig.toolCall("hold_path", { nodeId: grip }) };
    },
    (req) => (
      (results.hold = rig.lastResult(req)),
      { body: rig.toolCall("commit_choice", { candidateId: thread, reason: "a thread, for now" }) }
    ),
    { body: rig.toolCall("generate_candidates", {}) },
    (req) => ({ body: rig.toolCall("commit_choice", { candidateId: idOf(req, " and then"), reason: "on" }) }),
    { body: rig.toolCall("switch_path", { to: "h1" }) },
    (req) => ((results.switched = rig.lastResult(req)), { body: rig.toolCall("generate_candidates", {}) }),
    (req) => ({
      body: rig.toolCall("commit_choice", { candidateId: idOf(req, " a hand"), reason: "back to the grip" }),
    }),
    { body: rig.toolCall("switch_path", { to: "h9" }) },
    (req) => ((results.bad = lastToolResultText(req)), { body: rig.toolCall("stop_generation", { reason: "done" }) }),
  );
  const { loom, env } = testLoom({ selector: { mode: "agentic" } });
  const session = await createSession(rig.tmp.dir, loom);
  const selector = createAgenticSelector({
    model: rig.agentModel(),
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
  const again = await openSession(rig.tmp.dir);
  expect(currentText(again.loom)).toBe(`${seed} the grip a hand`);
  expect(again.loom.heldPaths.map((p) => p.length)).toEqual([3]);
  await again.close();
});
