import { join } from "node:path";
import { ScriptedGenerator } from "@loom/generators/test";
import { createSession, openSession } from "@loom/io";
import { createAgenticSelector, openaiAgentModel, type AgentConversationState } from "@loom/selectors";
import { describe, expect, it } from "vitest";
import { Orchestrator } from "./orchestrator.js";
import { replayRig } from "./test-rig.js";
import { fixture, readLines, recordEvents, scriptedHuman, testLoom } from "./test-support.js";

const rig = replayRig();

const anthropicAgent = () =>
  createAgenticSelector({
    model: rig.agentModel(),
  });

/** The tool_result blocks of the request the model received after response `i` (0-based). */
function toolResultsAfter(i: number): { tool_use_id: string; content: string; is_error?: boolean }[] {
  const messages = (rig.server.requests[i + 1]!.json as { messages: { role: string; content: unknown }[] }).messages;
  const last = messages[messages.length - 1]!;
  return (last.content as { type: string }[]).filter((b) => b.type === "tool_result") as never;
}

describe("an agentic session through Anthropic tool use", () => {
  it("generates, queries the loom, asks the human, chooses and stops; bad tool calls go back as errors", async () => {
    rig.server.enqueue(...fixture<unknown[]>("anthropic-agentic-session.json").map((body) => ({ body })));
    const { loom, env } = testLoom({ selector: { mode: "agentic" } });
    const session = await createSession(rig.tmp.dir, loom);
    const human = scriptedHuman({ answers: [{ answer: "Keep holding." }] });
    const orch = await Orchestrator.open({
      session,
      generator: new ScriptedGenerator({ seed: 11 }),
      selector: anthropicAgent(),
      human,
      env,
    });
    const events = recordEvents((l) => orch.on(l));
    const result = await orch.run();
    expect(result).toMatchObject({ reason: "selector", steps: 3 });
    expect(rig.server.requests).toHaveLength(10);

    // The first request offers the tools and the brief.
    const first = rig.server.requests[0]!.json as any;
    expect(first.tools.map((t: { name: string }) => t.name)).toEqual([
      "generate_candidates",
      "commit_choice",
      "request_human_input",
      "stop_generation",
      "query_loom",
      "update_brief",
      "update_summary",
      "hold_path",
      "switch_path",
    ]);
    expect(first.tools[0].input_schema).toMatchObject({ type: "object", additionalProperties: false });
    expect(first.system).toContain("- Images that think");
    // generate_candidates returned the candidates with ids and logprobs.
    const generated = JSON.parse(toolResultsAfter(0)[0]!.content);
    expect(generated.candidates.map((c: { id: string }) => c.id)).toEqual(["n_000003", "n_000004", "n_000005"]);
    expect(typeof generated.candidates[0].logprob).toBe("number");
    // query_loom answered (no decisions yet).
    expect(JSON.parse(toolResultsAfter(1)[0]!.content)).toEqual([]);
    // A bad input ({n: "many"}) and an unknown candidate id came back as errors, and the loop went on.
    expect(toolResultsAfter(3)[0]).toMatchObject({ is_error: true });
    expect(toolResultsAfter(3)[0]!.content).toContain("invalid input for generate_candidates: n:");
    expect(toolResultsAfter(8)[0]).toMatchObject({ is_error: true });
    expect(toolResultsAfter(8)[0]!.content).toContain('"n_zzzzzz" is not a candidate');
    // The human's answer reached the model.
    expect(JSON.parse(toolResultsAfter(5)[0]!.content)).toMatchObject({ answer: "Keep holding." });
    expect(human.asked[0]).toMatchObject({
      question: "Should the hand let go here, or keep holding?",
      candidatesInTension: ["n_000007", "n_000009"],
    });

    const manifest = readLines(join(rig.tmp.dir, "manifest.ndjson"));
    expect(manifest.map((l) => [l["action"], l["chosenNodeId"], l["chosenBy"]])).toEqual([
      ["choose", "n_000004", "selector_llm"],
      ["choose", "n_000009", "selector_llm"],
      ["stop", null, "selector_llm"],
    ]);
    expect(manifest[1]).toMatchObject({
      clarificationQuestion: "Should the hand let go here, or keep holding?",
      humanResponse: "Keep holding.",
    });
    expect(session.loom.decisions["d_000002"]!.candidateScores).toEqual({ n_000004: { aliveness: 8, fit: 7 } });

    // The conversation is saved with the session.
    const saved = await session.readState<AgentConversationState>("agent");
    // 21 messages of tool calls and results, and the view of the piece that opens each of the two later steps.
    expect(saved!.messages.length).toBe(23);
    expect(saved!.usage.requests).toBe(10);
    expect(orch.getUsage().selector[0]).toMatchObject({ provider: "anthropic", requests: 10 });
    const types = events.map((e) => e.type);
    expect(types.filter((t) => t === "decision")).toHaveLength(3);
    expect(types).toEqual(expect.arrayContaining(["clarification-asked", "clarification-answered", "stopped"]));
    await session.close();
  });

  it("continues the saved conversation after a resume, answering a tool call cut off by a crash", async () => {
    const bodies = fixture<unknown[]>("anthropic-agentic-session.json");
    rig.server.enqueue(...bodies.slice(0, 3).map((body) => ({ body })));
    const { loom, env } = testLoom({ selector: { mode: "agentic" } });
    let session = await createSession(rig.tmp.dir, loom);
    const orch = await Orchestrator.open({
      session,
      generator: new ScriptedGenerator({ seed: 11 }),
      selector: anthropicAgent(),
      env,
    });
    expect(await orch.run({ maxSteps: 1 })).toMatchObject({ reason: "max-steps", steps: 1 });
    // Simulate a crash right after the model's next reply was saved but before its tool ran.
    const saved = (await session.readState<AgentConversationState>("agent"))!;
    saved.messages.push({
      role: "assistant",
      content: [{ type: "tool_use", id: "toolu_cut", name: "generate_candidates", input: {} }],
    });
    await session.writeState("agent", saved);
    await session.close();

    session = await openSession(rig.tmp.dir);
    rig.server.enqueue({ body: bodies[9] });
    const resumed = await Orchestrator.open({
      session,
      generator: new ScriptedGenerator({ seed: 11 }),
      selector: anthropicAgent(),
      env,
    });
    expect((await resumed.run()).reason).toBe("selector");
    const request = rig.server.requests[3]!.json as { messages: { role: string; content: any }[] };
    // The cut-off call answered, then the piece as it is now (every step opens with a view of it).
    expect(request.messages).toHaveLength(saved.messages.length + 2);
    expect(request.messages.at(-1)!.content).toContain("<piece_view>");
    const answer = request.messages[request.messages.length - 2]!.content[0];
    expect(answer).toMatchObject({ type: "tool_result", tool_use_id: "toolu_cut", is_error: true });
    expect(answer.content).toContain("interrupted");
    await session.close();
  });

  it("ends the run when the agent's step budget is spent, with the session intact", async () => {
    const body = fixture<unknown[]>("anthropic-agentic-session.json")[1];
    rig.server.setFallback({ body });
    const { loom, env } = testLoom({ selector: { mode: "agentic" } });
    const session = await createSession(rig.tmp.dir, loom);
    const selector = createAgenticSelector({
      model: rig.agentModel(),
      maxTurnsPerStep: 3,
    });
    const orch = await Orchestrator.open({ session, generator: new ScriptedGenerator(), selector, env });
    const result = await orch.run();
    expect(result.reason).toBe("agent-budget");
    expect(result.detail).toContain("3 model calls");
    expect(rig.server.requests).toHaveLength(3);
    await session.close();
  });
});

describe("an agentic session through OpenAI tool calls", () => {
  it("reports malformed tool arguments to the model, nudges an idle reply, and stops", async () => {
    rig.server.enqueue(...fixture<unknown[]>("openai-agentic-session.json").map((body) => ({ body })));
    const { loom, env } = testLoom({ selector: { mode: "agentic" } });
    const session = await createSession(rig.tmp.dir, loom);
    const selector = createAgenticSelector({
      model: openaiAgentModel({ apiKey: "k", baseURL: `${rig.server.url}/v1`, model: "gpt-4.1-mini", maxRetries: 0 }),
    });
    const orch = await Orchestrator.open({ session, generator: new ScriptedGenerator({ seed: 5 }), selector, env });
    const result = await orch.run();
    expect(result).toMatchObject({ reason: "selector", steps: 2 });
    const r2 = (
      rig.server.requests[2]!.json as { messages: { role: string; content: string; tool_call_id?: string }[] }
    ).messages;
    const toolMsg = r2[r2.length - 1]!;
    expect(toolMsg).toMatchObject({ role: "tool", tool_call_id: "call_Agent020" });
    expect(toolMsg.content).toContain("ERROR: invalid input for commit_choice: arguments are not valid JSON");
    expect((rig.server.requests[0]!.json as any).tools[0]).toMatchObject({
      type: "function",
      function: { name: "generate_candidates" },
    });
    const r4 = (rig.server.requests[4]!.json as { messages: { role: string; content: string }[] }).messages;
    expect(r4[r4.length - 1]).toMatchObject({ role: "user" });
    expect(r4[r4.length - 1]!.content).toContain("Continue with a tool call");
    // The stop came with no candidates open, so there is no decision to record it on: one manifest line.
    expect(result.detail).toBe("done after one step");
    expect(readLines(join(rig.tmp.dir, "manifest.ndjson")).map((l) => l["action"])).toEqual(["choose"]);
    await session.close();
  });
});
