// What the LLM selectors are shown of the piece (issue 17 item 4), through orchestrator sessions on the strict Anthropic replay server: a long piece is cut to its opening, the middle's summary (or a plain elided marker) and the recent passage within the budget, a short one is sent whole, and each decision records the cut.
import { addCandidates, choose, createLoom, currentText, pieceView, sequentialEnv, setPieceSummary } from "@loom/core";
import { ScriptedGenerator } from "@loom/generators/test";
import { createSession, openSession } from "@loom/io";
import { createAgenticSelector, createStatelessSelector } from "@loom/selectors";
import { type RecordedRequest } from "@loom/testkit";
import { expect, it } from "vitest";
import { Orchestrator } from "./orchestrator.js";
import { strictAnthropicRig } from "./test-rig.js";

const rig = strictAnthropicRig();

const BUDGET = 500;
/** Step 100's text: it sits in the middle of the long piece, which a cut view must not show. */
const MIDDLE = " MIDDLE-OF-THE-PIECE";

/**
 * A piece of 200 chosen steps (~5,800 characters, over the 500-token view: a realistic long session's
 * shape, segments of a few words) and its loom, for a session with `mode`'s selector.
 */
function longLoom(mode: "stateless" | "agentic") {
  const env = sequentialEnv();
  const loom = createLoom(
    {
      seed: "The lamp burned low in the hall, and the rain came on over the slate roofs of the town.",
      sessionId: "s_long",
      config: {
        generator: { provider: "scripted", branchingFactor: 3, segmentTokens: 4 },
        selector: { mode, viewTokens: BUDGET },
        maxTokensTotal: 100_000,
      },
    },
    env,
  );
  for (let i = 0; i < 200; i++) {
    const text = i === 100 ? MIDDLE : ` and step ${i} went on.`;
    const d = addCandidates(loom, loom.currentPath.at(-1)!, [{ text }, { text: " no" }], { env });
    choose(loom, d.decisionId, d.nodeIds[0]!, "auto", "grown for the test", env);
  }
  return { loom, env };
}

/** A record_decision reply choosing the first candidate listed in the request's prompt. */
const decide = (req: RecordedRequest) => {
  const prompt = (req.json as { messages: { content: string }[] }).messages[0]!.content;
  const id = /\[(n_\w+)\]/.exec(prompt.slice(prompt.indexOf("Candidates for what comes next")))![1]!;
  return {
    body: {
      id: `msg_01View${rig.server.requests.length}`,
      type: "message",
      role: "assistant",
      model: "claude-sonnet-5-5",
      content: [
        {
          type: "tool_use",
          id: `toolu_01View${rig.server.requests.length}`,
          name: "record_decision",
          input: { decision: { action: "choose", choice: id, reason: "it goes on" } },
        },
      ],
      stop_reason: "tool_use",
      stop_sequence: null,
      usage: { input_tokens: 900, output_tokens: 40, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    },
  };
};
const promptOf = (req: RecordedRequest) => (req.json as { messages: { content: string }[] }).messages[0]!.content;
const statelessSelector = () =>
  createStatelessSelector({
    model: rig.decisionModel(),
  });

it("the stateless selector gets the opening, an elided-middle marker, then the summary once there is one, and the recent passage; decisions record the cut", async () => {
  const { loom, env } = longLoom("stateless");
  const text = currentText(loom);
  const session = await createSession(rig.tmp.dir, loom);
  rig.server.enqueue(decide, decide);
  const orch = await Orchestrator.open({
    session,
    generator: new ScriptedGenerator({ seed: 3 }),
    selector: statelessSelector(),
    env,
  });
  expect(await orch.run({ maxSteps: 1 })).toMatchObject({ reason: "max-steps" });

  const first = promptOf(rig.server.requests[0]!);
  const opening = first.slice(first.indexOf("<piece_opening>\n") + 16, first.indexOf("\n</piece_opening>"));
  const recent = first.slice(first.indexOf("<recent_passage>\n") + 17, first.indexOf("\n</recent_passage>"));
  expect(text.startsWith(opening)).toBe(true);
  expect(text.endsWith(recent)).toBe(true);
  expect(opening.length).toBeGreaterThan(400);
  expect(recent.length).toBeGreaterThan(900);
  // Within the budget (four characters a token), and the middle is not there, nor made up: it is counted.
  expect((opening.length + recent.length) / 4).toBeLessThanOrEqual(BUDGET);
  expect(first).not.toContain("<whole_piece>");
  expect(first).not.toContain(MIDDLE.trim());
  const elided = text.length - opening.length - recent.length;
  expect(first).toContain(`the middle, ${elided.toLocaleString("en-US")} characters`);
  expect(first).toContain("no summary of it has been written yet");

  const d1 = session.loom.decisions[session.loom.nodes[session.loom.currentPath.at(-1)!]!.decisionId!]!;
  expect(d1.selectorView).toEqual({
    shown: "cut",
    budgetTokens: BUDGET,
    total: { chars: text.length, tokens: Math.ceil(text.length / 4) },
    opening: { chars: opening.length, tokens: Math.ceil(opening.length / 4) },
    summary: null,
    elided: { chars: elided, tokens: Math.ceil(elided / 4) },
    recent: { chars: recent.length, tokens: Math.ceil(recent.length / 4) },
  });

  // A summary of the middle (one an agent wrote earlier, say) is shown in its place from the next decision on.
  const through = pieceView(session.loom, currentText(session.loom), BUDGET).summarisableThrough!;
  session.mutate((l) =>
    setPieceSummary(l, "A lamp, a hall, rain; a long middle where one step named itself.", through, env),
  );
  await orch.run({ maxSteps: 1 });
  const second = promptOf(rig.server.requests[1]!);
  expect(second).toContain(`<middle_summary version="1" through_node="${through}">`);
  expect(second).toContain("a long middle where one step named itself");
  expect(second).not.toContain("no summary of it has been written yet");
  const d2 = session.loom.decisions[session.loom.nodes[session.loom.currentPath.at(-1)!]!.decisionId!]!;
  expect(d2.selectorView).toMatchObject({ shown: "cut", summary: { version: 1, throughNodeId: through, cut: false } });
  await session.close();

  // The record is journaled with the decision: a reopened session has it.
  const again = await openSession(rig.tmp.dir);
  expect(again.loom.decisions[d2.id]!.selectorView).toEqual(d2.selectorView);
  expect(again.loom.pieceSummary).toMatchObject({ version: 1, throughNodeId: through });
  await again.close();
});

it("a short piece is sent whole, and the decision says so", async () => {
  const env = sequentialEnv();
  const loom = createLoom(
    {
      seed: "The attention was a hand, and it was holding",
      sessionId: "s_short",
      config: {
        generator: { provider: "scripted", branchingFactor: 3 },
        selector: { mode: "stateless", viewTokens: BUDGET },
      },
    },
    env,
  );
  const session = await createSession(rig.tmp.dir, loom);
  rig.server.enqueue(decide);
  const orch = await Orchestrator.open({
    session,
    generator: new ScriptedGenerator({ seed: 3 }),
    selector: statelessSelector(),
    env,
  });
  await orch.run({ maxSteps: 1 });
  const prompt = promptOf(rig.server.requests[0]!);
  expect(prompt).toContain("<whole_piece>\nThe attention was a hand, and it was holding\n</whole_piece>");
  expect(prompt).not.toContain("<piece_opening>");
  const d = Object.values(session.loom.decisions)[0]!;
  expect(d.selectorView).toMatchObject({ shown: "whole", total: { chars: 44 }, summary: null, elided: null });
  await session.close();
});

let resumedIds = 0;
/** The text of every user message in a request that is a view of the piece (a string starting "The piece now"). */
const views = (req: RecordedRequest) =>
  (req.json as { messages: { role: string; content: unknown }[] }).messages
    .filter((m) => m.role === "user" && typeof m.content === "string")
    .map((m) => m.content as string);

it("the agent sees the piece at each decision, keeps the middle's summary up to date with update_summary, and the summary survives a resume", async () => {
  const { loom, env } = longLoom("agentic");
  const text = currentText(loom);
  const session = await createSession(rig.tmp.dir, loom);
  const first = (c: RecordedRequest) => rig.lastResult(c).candidates[0].id as string;
  const results: Record<string, any> = {};
  rig.server.enqueue(
    { body: rig.toolCall("generate_candidates", {}) },
    (req) => (
      (results.c1 = first(req)),
      { body: rig.toolCall("update_summary", { summary: "S1: a lamp, a hall, rain, and a middle that named itself." }) }
    ),
    (req) => (
      (results.summary = rig.lastResult(req)),
      { body: rig.toolCall("commit_choice", { candidateId: results.c1, reason: "on" }) }
    ),
    { body: rig.toolCall("generate_candidates", {}) },
    (req) => ({ body: rig.toolCall("commit_choice", { candidateId: first(req), reason: "on again" }) }),
  );
  const model = () => rig.agentModel();
  const orch = await Orchestrator.open({
    session,
    generator: new ScriptedGenerator({ seed: 3 }),
    selector: createAgenticSelector({ model: model() }),
    env,
  });
  expect(await orch.run({ maxSteps: 2 })).toMatchObject({ reason: "max-steps" });

  // Decision 1: the view had no summary yet: opening, the elided middle counted, the recent passage.
  const v1 = views(rig.server.requests[0]!).at(-1)!;
  expect(v1).toContain("<piece_opening>");
  expect(v1).toContain("no summary of it has been written yet");
  expect(v1).toContain(text.slice(-200));
  expect(v1).not.toContain(MIDDLE.trim());
  expect(results.summary).toMatchObject({ version: 1 });
  // Decision 2: a fresh view holds the summary; the earlier view in the conversation was replaced by a stub.
  const step2 = views(rig.server.requests[3]!);
  const v2 = step2.at(-1)!;
  expect(v2).toContain('<middle_summary version="1"');
  expect(v2).toContain("S1: a lamp, a hall, rain");
  expect(v2).toContain(session.loom.nodes[results.c1]!.text);
  expect(step2.filter((m) => m.includes("<piece_opening>"))).toHaveLength(1);
  const [d1, d2] = session.loom.currentPath
    .slice(-2)
    .map((id) => session.loom.decisions[session.loom.nodes[id]!.decisionId!]!);
  expect(d1!.selectorView).toMatchObject({ shown: "cut", summary: null, elided: { chars: expect.any(Number) } });
  expect(d2!.selectorView).toMatchObject({
    shown: "cut",
    summary: { version: 1, throughNodeId: results.summary.throughNodeId },
  });
  await session.close();

  // Resumed in a new orchestrator: the summary came back from the journal and is in the next view.
  const again = await openSession(rig.tmp.dir);
  expect(again.loom.pieceSummary).toMatchObject({ version: 1 });
  rig.server.enqueue({ body: rig.toolCall("generate_candidates", {}) }, (req) => ({
    body: rig.toolCall("commit_choice", { candidateId: first(req), reason: "after the resume" }),
  }));
  const resumed = await Orchestrator.open({
    session: again,
    generator: new ScriptedGenerator({ seed: 4 }),
    selector: createAgenticSelector({ model: model() }),
    env: { newId: (kind) => `${kind[0]}_r${(++resumedIds).toString(36)}`, now: () => new Date().toISOString() },
  });
  await resumed.run({ maxSteps: 1 });
  expect(views(rig.server.requests[5]!).at(-1)!).toContain('<middle_summary version="1"');
  await again.close();
});
