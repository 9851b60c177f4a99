// The brief changed mid-session, by the human and by the agent with the human's approval: journaled versions that decisions record.
import { join } from "node:path";
import { briefOfDecision, decisionsInOrder } from "@loom/core";
import { ScriptedGenerator } from "@loom/generators/test";
import { createSession, openSession } from "@loom/io";
import { scanNdjson } from "@loom/io/internal";
import {
  createAgenticSelector,
  createStatelessSelector,
  type BriefChangeRequest,
  type HumanInterface,
} from "@loom/selectors";
import { describe, expect, it } from "vitest";
import { Orchestrator } from "./orchestrator.js";
import { strictAnthropicRig } from "./test-rig.js";
import { readLines, recordEvents, scriptedHuman, tempDir, testLoom } from "./test-support.js";

const rig = strictAnthropicRig();

/** A Messages API response, shaped as the API documents it (tool_use blocks, usage with cache fields). */
const reply = (n: number, content: unknown[], stop_reason = "tool_use") => ({
  id: `msg_01Brief${n}`,
  type: "message",
  role: "assistant",
  model: "claude-sonnet-5-5",
  content,
  stop_reason,
  stop_sequence: null,
  usage: { input_tokens: 1200, output_tokens: 60, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
});
const tool = (n: number, name: string, input: unknown) => ({ type: "tool_use", id: `toolu_01Brief${n}`, name, input });
const decide = (n: number, decision: unknown) =>
  reply(n, [{ type: "tool_use", id: `toolu_01Decide${n}`, name: "record_decision", input: { decision } }]);

const systemOf = (i: number) => JSON.stringify((rig.server.requests[i]!.json as { system: unknown }).system);

describe("the human changes the brief between decisions (stateless selector)", () => {
  it("journals a new version; the next prompt states it; each decision records the version it saw; reopened, the history is whole", async () => {
    rig.server.enqueue({ body: decide(1, { action: "choose", choice: "n_000003", reason: "first" }) });
    const { loom, env } = testLoom();
    const session = await createSession(rig.tmp.dir, loom);
    const selector = createStatelessSelector({
      model: rig.decisionModel(),
    });
    const orch = await Orchestrator.open({ session, generator: new ScriptedGenerator({ seed: 3 }), selector, env });
    const events = recordEvents((l) => orch.on(l));
    await orch.run({ maxSteps: 1 });

    const changed = await orch.setBrief({ ...orch.loom.brief, avoid: ["Explaining the hand"], voice: "Plain" });
    expect(changed).toEqual(["voice", "avoid"]);
    expect(await orch.setBrief(orch.loom.brief)).toEqual([]); // the same brief again writes nothing
    expect(events).toContainEqual({ type: "brief-changed", version: 2, changed: ["voice", "avoid"], by: "human" });

    rig.server.enqueue({ body: decide(2, { action: "stop", reason: "done" }) });
    await orch.run({ maxSteps: 1 });
    expect(systemOf(0)).toContain("- Neat resolution");
    expect(systemOf(0)).not.toContain("Explaining the hand");
    expect(systemOf(1)).toContain("- Explaining the hand");
    expect(systemOf(1)).toContain("Voice: Plain");
    // The journal holds binary records (candidates) between its JSON lines: read it as a load does.
    const journal: { op: string }[] = [];
    await scanNdjson(join(rig.tmp.dir, "journal.ndjson"), { binaryRecords: true }, ({ value }) =>
      journal.push(value["op"] as { op: string }),
    );
    expect(journal.filter((op) => op.op === "setBrief")).toHaveLength(1);
    await session.close();

    const reopened = await openSession(rig.tmp.dir);
    const [first, second] = decisionsInOrder(reopened.loom);
    expect([first!.briefVersion, second!.briefVersion]).toEqual([1, 2]);
    expect(briefOfDecision(reopened.loom, first!.id)!.avoid).toEqual(["Neat resolution"]);
    expect(briefOfDecision(reopened.loom, second!.id)!.avoid).toEqual(["Explaining the hand"]);
    expect(reopened.loom.briefHistory.map((v) => v.version)).toEqual([1]);
    expect(readLines(join(rig.tmp.dir, "manifest.ndjson")).map((l) => l["briefVersion"])).toEqual([1, 2]);
    await reopened.close();
  });
});

describe("the agent proposes a brief change (update_brief)", () => {
  const agent = () =>
    createAgenticSelector({
      model: rig.agentModel(),
    });
  const proposal = { changes: { sectionIntent: "The hand lets go." }, reason: "the piece turned toward release" };

  it("approved by the human, it becomes version 2: the agent's next system prompt states it and the commit records it", async () => {
    rig.server.enqueue(
      { body: reply(1, [tool(1, "generate_candidates", {})]) },
      { body: reply(2, [tool(2, "update_brief", proposal)]) },
      { body: reply(3, [tool(3, "commit_choice", { candidateId: "n_000004", reason: "lets go" })]) },
      { body: reply(4, [tool(4, "stop_generation", { reason: "released" })]) },
    );
    const { loom, env } = testLoom({ selector: { mode: "agentic" } });
    const session = await createSession(rig.tmp.dir, loom);
    const asked: BriefChangeRequest[] = [];
    const human: HumanInterface = {
      ...scriptedHuman({}),
      approveBriefChange: async (req) => (asked.push(req), { approved: true, note: "yes, let it go" }),
    };
    const orch = await Orchestrator.open({
      session,
      generator: new ScriptedGenerator({ seed: 5 }),
      selector: agent(),
      human,
      env,
    });
    expect(await orch.run()).toMatchObject({ reason: "selector", steps: 2 });

    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ changed: ["sectionIntent"], reason: proposal.reason });
    expect(asked[0]!.proposed.sectionIntent).toBe("The hand lets go.");
    const result = (rig.server.requests[2]!.json as { messages: { content: unknown }[] }).messages.at(-1)!.content as {
      content: string;
    }[];
    expect(JSON.parse(result[0]!.content)).toEqual({
      approved: true,
      briefVersion: 2,
      changed: ["sectionIntent"],
      note: "yes, let it go",
    });
    expect(systemOf(0)).toContain("The brief (version 1):");
    expect(systemOf(3)).toContain("The brief (version 2):");
    expect(systemOf(3)).toContain("Section intent: The hand lets go.");
    const decisions = decisionsInOrder(session.loom);
    // The stop came with no candidates open, so it ended the run without a decision record.
    expect(decisions.map((d) => [d.action, d.briefVersion])).toEqual([["choose", 2]]);
    await session.close();
  });

  it("refused, or with no human who can approve, the brief stays and the agent is told", async () => {
    rig.server.enqueue(
      { body: reply(1, [tool(1, "update_brief", proposal)]) },
      { body: reply(2, [tool(2, "stop_generation", { reason: "fine as it is" })]) },
    );
    const { loom, env } = testLoom({ selector: { mode: "agentic" } });
    const session = await createSession(rig.tmp.dir, loom);
    const human: HumanInterface = {
      ...scriptedHuman({}),
      approveBriefChange: async () => ({ approved: false, note: "keep holding" }),
    };
    const orch = await Orchestrator.open({
      session,
      generator: new ScriptedGenerator(),
      selector: agent(),
      human,
      env,
    });
    await orch.run();
    const refused = (rig.server.requests[1]!.json as { messages: { content: unknown }[] }).messages.at(-1)!.content as {
      content: string;
    }[];
    expect(JSON.parse(refused[0]!.content)).toEqual({ approved: false, briefVersion: 1, note: "keep holding" });
    expect(session.loom.briefVersion).toBe(1);
    await session.close();

    // No approver at all (a headless run): an error result, nothing written.
    rig.server.enqueue(
      { body: reply(3, [tool(3, "update_brief", proposal)]) },
      { body: reply(4, [tool(4, "stop_generation", { reason: "fine as it is" })]) },
    );
    const second = tempDir();
    const alone = await createSession(second.dir, testLoom({ selector: { mode: "agentic" } }).loom);
    await (await Orchestrator.open({ session: alone, generator: new ScriptedGenerator(), selector: agent() })).run();
    const blocks = (rig.server.requests[3]!.json as { messages: { content: unknown }[] }).messages.at(-1)!.content as {
      content: string;
      is_error?: boolean;
    }[];
    expect(blocks[0]).toMatchObject({ is_error: true });
    expect(blocks[0]!.content).toContain("no human is available to approve");
    expect(alone.loom.briefVersion).toBe(1);
    await alone.close();
    second.cleanup();
  });
});
