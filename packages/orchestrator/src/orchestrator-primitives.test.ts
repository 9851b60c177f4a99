import { currentText } from "@loom/core";
import { ScriptedGenerator } from "@loom/generators/test";
import {
  chooseFirst,
  createAutoSelector,
  createHumanSelector,
  createHybridSelector,
  createScriptedSelector,
  type SelectionOutcome,
} from "@loom/selectors";
import { describe, expect, it } from "vitest";
import { Orchestrator } from "./orchestrator.js";
import { expandPrompt } from "./prompt-ref.js";
import { memorySession } from "./session-like.js";
import { recordEvents, scriptedHuman, testLoom } from "./test-support.js";

function setup(config: Record<string, unknown> = {}) {
  const { loom, env } = testLoom(config);
  const generator = new ScriptedGenerator({ seed: 9 });
  return { loom, env, generator, session: memorySession(loom) };
}

describe("primitives for apps", () => {
  it("re-presents an open decision without a model call, and rerolls into the same decision", async () => {
    const { env, generator, session } = setup();
    const orch = await Orchestrator.open({ session, generator, env });
    const first = await orch.generate();
    const again = await orch.generate();
    expect(again).toEqual({ ...first, reused: true });
    expect(generator.calls).toHaveLength(1);
    const more = await orch.generate({ reroll: true, n: 2 });
    expect(more.decisionId).toBe(first.decisionId);
    expect(more.candidates.map((c) => c.id)).toEqual([
      ...first.candidates.map((c) => c.id),
      ...more.candidates.slice(3).map((c) => c.id),
    ]);
    expect(more.candidates).toHaveLength(5);
    await orch.choose(more.candidates[4]!.id, { reason: "the rerolled one" });
    expect(session.loom.decisions[first.decisionId]).toMatchObject({
      action: "choose",
      chosenBy: "human",
      chosenNodeId: more.candidates[4]!.id,
    });
  });

  it("records the generator's provenance, with the text-so-far kept as a reference that expands to the exact prompt", async () => {
    const { env, generator, session } = setup();
    const orch = await Orchestrator.open({ session, generator, env, selector: createScriptedSelector(chooseFirst) });
    await orch.run({ maxSteps: 12 });
    const step = await orch.generate();
    const node = session.loom.nodes[step.candidates[0]!.id]!;
    expect(node.meta).toMatchObject({
      provider: "scripted",
      model: "scripted",
      sampling: expect.objectContaining({ temperature: 1, topP: 1 }),
    });
    expect(node.meta["prompt"]).toEqual({ $pathTextOf: step.parentNodeId, before: "", after: "" });
    expect(expandPrompt(session.loom, node.meta["prompt"])).toBe(generator.calls[12]!.prompt);
    expect(expandPrompt(session.loom, node.meta["prompt"])).toBe(currentText(session.loom));
  });

  it("lets a human reroll, write, go back, choose and stop through run()", async () => {
    const { env, generator, session } = setup();
    const script: SelectionOutcome[] = [
      { action: "reroll" },
      { action: "write", text: " — my own words" },
      { action: "back" },
    ];
    const human = scriptedHuman({
      choose: (req) =>
        script.shift() ?? (req.candidates.length ? { action: "stop", reason: "enough" } : { action: "back" }),
    });
    const orch = await Orchestrator.open({ session, generator, env, selector: createHumanSelector(human), human });
    const events = recordEvents((l) => orch.on(l));
    const result = await orch.run({ maxSteps: 10 });
    expect(result.reason).toBe("selector");
    const loom = session.loom;
    const decisions = Object.values(loom.decisions);
    // The reroll put six candidates (3 + 3) in the first decision, and the written text joined them and was chosen.
    const first = decisions[0]!;
    expect(first.candidateNodeIds).toHaveLength(7);
    expect(loom.nodes[first.chosenNodeId!]).toMatchObject({
      text: " — my own words",
      origin: "human",
      chosenBy: "human",
    });
    // Back (offered the next step's candidates) returned to the root, where a fresh decision was opened and stopped.
    expect(loom.currentPath).toEqual([loom.rootId]);
    expect(decisions.map((d) => d.action)).toEqual(["choose", null, "stop"]);
    expect(decisions[2]!.parentNodeId).toBe(loom.rootId);
    expect(events.filter((e) => e.type === "tip-changed")).toHaveLength(1);
    expect(generator.calls.map((c) => c.n)).toEqual([3, 3, 3, 3]);
  });

  it("lets a human override the LLM in hybrid mode", async () => {
    const { env, generator, session } = setup();
    const human = {
      ...scriptedHuman({}),
      reviewDecision: async (req: { candidates: { id: string }[] }) => ({
        action: "choose" as const,
        choice: req.candidates[2]!.id,
        reason: "I prefer the third",
      }),
    };
    const llm = createScriptedSelector(chooseFirst, { chosenBy: "selector_llm" });
    const orch = await Orchestrator.open({
      session,
      generator,
      env,
      selector: createHybridSelector({ llm, human }),
      human,
    });
    await orch.run({ maxSteps: 1 });
    const d = Object.values(session.loom.decisions)[0]!;
    expect(d).toMatchObject({ chosenBy: "human", reason: "I prefer the third", chosenNodeId: d.candidateNodeIds[2] });
  });

  it("picks the base model's favourite with the auto selector, so logprobGap is 0", async () => {
    const { env, generator, session } = setup();
    const orch = await Orchestrator.open({ session, generator, env, selector: createAutoSelector() });
    await orch.run({ maxSteps: 5 });
    const decisions = Object.values(session.loom.decisions);
    expect(decisions).toHaveLength(5);
    for (const d of decisions) {
      expect(d).toMatchObject({ action: "choose", chosenBy: "auto", logprobGap: 0 });
      expect(d.reason).toMatch(/^auto: highest logprob \(-\d+\.\d{3}\)$/);
    }
    const random = await Orchestrator.open({
      session: setup().session,
      generator: new ScriptedGenerator({ seed: 9 }),
      env: setup().env,
      selector: createAutoSelector({ rule: "random", seed: 4 }),
    });
    await random.run({ maxSteps: 8 });
    expect(Object.values(random.loom.decisions).some((d) => (d.logprobGap ?? 0) < 0)).toBe(true);
  });
});

describe("stop conditions", () => {
  it("stops at maxTokensTotal, counting the tokens of the current path", async () => {
    const { env, generator, session } = setup({ maxTokensTotal: 10 });
    const orch = await Orchestrator.open({ session, generator, env, selector: createScriptedSelector(chooseFirst) });
    const events = recordEvents((l) => orch.on(l));
    expect(await orch.run()).toEqual({ reason: "max-tokens", steps: 3, detail: "12 tokens" });
    expect(orch.pathTokens()).toBe(12);
    expect(events[events.length - 1]).toEqual({ type: "stopped", reason: "max-tokens", detail: "12 tokens" });
  });

  it("stops on an abort, leaving the open step to be re-presented", async () => {
    const { env, generator, session } = setup();
    const controller = new AbortController();
    const selector = createScriptedSelector(async (ctx, i) => {
      if (i === 2) controller.abort();
      return chooseFirst(ctx);
    });
    const orch = await Orchestrator.open({ session, generator, env, selector });
    const result = await orch.run({ signal: controller.signal });
    expect(result.reason).toBe("aborted");
    expect(Object.values(session.loom.decisions).filter((d) => d.action === "choose")).toHaveLength(3);
  });

  it("waits for an answer when a clarification has nobody to ask, then goes on after answerClarification", async () => {
    const { env, generator, session } = setup();
    const selector = createScriptedSelector((ctx, i) =>
      i === 1
        ? {
            action: "clarify",
            question: "Grip or release?",
            candidatesInTension: [ctx.candidates[0]!.id, ctx.candidates[1]!.id],
            whatHingesOnIt: "the ending",
          }
        : chooseFirst(ctx),
    );
    const orch = await Orchestrator.open({ session, generator, env, selector });
    const waiting = await orch.run({ maxSteps: 5 });
    expect(waiting.reason).toBe("awaiting-clarification");
    const id = waiting.detail!;
    const d = session.loom.decisions[id]!;
    await orch.answerClarification(id, {
      answer: "Release.",
      decision: { action: "choose", choice: d.candidateNodeIds[1]! },
    });
    expect(session.loom.decisions[id]).toMatchObject({
      action: "choose",
      chosenBy: "human",
      humanResponse: "Release.",
      chosenNodeId: d.candidateNodeIds[1],
    });
    const rest = await orch.run({ maxSteps: 2 });
    expect(rest).toMatchObject({ reason: "max-steps", steps: 2 });
  });
});
