// query_loom's four query types and generate_candidates off the tip, each used by an agent in a session (strict Anthropic replay server).
import { ScriptedGenerator } from "@loom/generators/test";
import { createSession } from "@loom/io";
import { createAgenticSelector } from "@loom/selectors";
import { type RecordedRequest } from "@loom/testkit";
import { expect, it } from "vitest";
import { Orchestrator } from "./orchestrator.js";
import { strictAnthropicRig } from "./test-rig.js";
import { testLoom } from "./test-support.js";

const rig = strictAnthropicRig("Query");

it("an agent asks every query type, branches from a node off the tip, and the defaults are the design's", async () => {
  // Logprobs per token are fixed, so the gaps are known: " a thread" is 1.5 below " the grip".
  const generator = new ScriptedGenerator({
    script: [
      [
        { text: " the grip", logprobs: [-0.5, -0.5] },
        { text: " a thread", logprobs: [-1, -1.5] },
        { text: " nothing", logprobs: [-3] },
      ],
      [" and then", " or not", " but still"],
      [" a hand", " the web", " a spider"],
    ],
  });
  const results: Record<string, any> = {};
  const idOf = (req: RecordedRequest, text: string) =>
    (rig.lastResult(req).candidates as { id: string; text: string }[]).find((c) => c.text === text)!.id;
  rig.server.enqueue(
    { body: rig.toolCall("generate_candidates", {}) },
    (req) => ({ body: rig.toolCall("commit_choice", { candidateId: idOf(req, " a thread"), reason: "the odd one" }) }),
    { body: rig.toolCall("generate_candidates", {}) },
    { body: rig.toolCall("query_loom", { queryType: "last_n_decisions", params: { n: 1 } }) },
    (req) => ((results.last = rig.lastResult(req)), { body: rig.toolCall("query_loom", { queryType: "rejected_at" }) }),
    (req) => (
      (results.rejected = rig.lastResult(req)), { body: rig.toolCall("query_loom", { queryType: "find_divergences" }) }
    ),
    (req) => (
      (results.divergences = rig.lastResult(req)),
      { body: rig.toolCall("query_loom", { queryType: "find_divergences", params: { threshold: -2 } }) }
    ),
    (req) => (
      (results.strong = rig.lastResult(req)), { body: rig.toolCall("query_loom", { queryType: "find_clarifications" }) }
    ),
    // Back to the seed: a new branch beside the first choice.
    (req) => (
      (results.clarifications = rig.lastResult(req)),
      { body: rig.toolCall("query_loom", { queryType: "find_token_divergences", params: { maxProbability: 0.5 } }) }
    ),
    (req) => (
      (results.tokens = rig.lastResult(req)),
      { body: rig.toolCall("generate_candidates", { parentNodeId: "n_000001" }) }
    ),
    (req) => (
      (results.branch = rig.lastResult(req)),
      { body: rig.toolCall("commit_choice", { candidateId: idOf(req, " the web"), reason: "a second branch" }) }
    ),
    { body: rig.toolCall("stop_generation", { reason: "two branches are enough" }) },
  );
  const { loom, env } = testLoom({ selector: { mode: "agentic" } });
  const session = await createSession(rig.tmp.dir, loom);
  const selector = createAgenticSelector({
    model: rig.agentModel(),
  });
  const orch = await Orchestrator.open({ session, generator, selector, env });
  expect(await orch.run()).toMatchObject({ reason: "selector" });

  const first = Object.values(session.loom.decisions).find(
    (d) => d.chosenNodeId !== null && session.loom.nodes[d.chosenNodeId]!.text === " a thread",
  )!;
  expect(first.logprobGap).toBeCloseTo(-1.5, 9);
  // last_n_decisions: the one decision so far, with its reason and gap.
  expect(results.last).toEqual([
    expect.objectContaining({ decisionId: first.id, action: "choose", reason: "the odd one" }),
  ]);
  // rejected_at (default: the parent of the tip, the seed): the two candidates not taken.
  expect(results.rejected.nodeId).toBe("n_000001");
  expect(results.rejected.rejected.map((r: { text: string }) => r.text).sort()).toEqual([" nothing", " the grip"]);
  // find_divergences: the default threshold is -1, so a gap of -1.5 counts; at -2 it does not.
  expect(results.divergences.map((d: { decisionId: string }) => d.decisionId)).toEqual([first.id]);
  expect(results.strong).toEqual([]);
  expect(results.clarifications).toEqual([]);
  // find_token_divergences: the tokens of " a thread" (probabilities e^-1 and e^-1.5, below 0.5) where the
  // generator's alternatives listed a likelier favourite.
  expect(results.tokens).toEqual([
    { nodeId: first.chosenNodeId, tokenIndex: 0, text: " a", probability: Math.exp(-1), favourite: expect.any(Object) },
    {
      nodeId: first.chosenNodeId,
      tokenIndex: 1,
      text: " thread",
      probability: Math.exp(-1.5),
      favourite: expect.any(Object),
    },
  ]);
  for (const row of results.tokens) expect(row.favourite.probability).toBeGreaterThan(row.probability);
  // generate_candidates at the seed opened a decision there, and the choice moved the text to that branch.
  expect(results.branch.parentNodeId).toBe("n_000001");
  const tip = session.loom.nodes[session.loom.currentPath.at(-1)!]!;
  expect(session.loom.currentPath).toHaveLength(2);
  expect(tip.text).toBe(" the web");
  expect(tip.parentId).toBe("n_000001");
  // The first branch is still in the loom, whole.
  expect(session.loom.nodes[first.chosenNodeId!]!.text).toBe(" a thread");
  await session.close();
});
