import { join } from "node:path";
import { ScriptedGenerator } from "@loom/generators/test";
import { createSession, openSession } from "@loom/io";
import { createStatelessSelector, openaiDecisionModel, SelectorError } from "@loom/selectors";
import { describe, expect, it } from "vitest";
import { Orchestrator } from "./orchestrator.js";
import { replayRig } from "./test-rig.js";
import { fixture, readLines, recordEvents, scriptedHuman, testLoom } from "./test-support.js";
import type { SessionUsage } from "./usage.js";

const rig = replayRig();

const anthropicSelector = () =>
  createStatelessSelector({
    model: rig.decisionModel(),
  });

describe("a stateless session through the Anthropic SDK", () => {
  it("runs 10 steps to the selector's stop, journaling each decision with usage and cost saved", async () => {
    const bodies = fixture<unknown[]>("anthropic-stateless-session.json");
    rig.server.enqueue(...bodies.map((body) => ({ body })));
    const { loom, env } = testLoom();
    const session = await createSession(rig.tmp.dir, loom);
    const generator = new ScriptedGenerator({ seed: 7 });
    const orch = await Orchestrator.open({
      session,
      generator,
      selector: anthropicSelector(),
      env,
      prices: { "anthropic:claude-sonnet-5-5": { inputPerMTok: 3, outputPerMTok: 15 } },
    });
    const events = recordEvents((l) => orch.on(l));
    const result = await orch.run();
    expect(result).toEqual({
      reason: "selector",
      steps: 10,
      detail: "the last image holds; going on would explain it",
    });

    const manifest = readLines(join(rig.tmp.dir, "manifest.ndjson"));
    expect(manifest).toHaveLength(10);
    expect(manifest.map((l) => l["action"])).toEqual([...Array(9).fill("choose"), "stop"]);
    expect(manifest.map((l) => l["chosenNodeId"])).toEqual([
      ...bodies.slice(0, 9).map((b: any) => b.content[0].input.decision.choice),
      null,
    ]);
    expect(manifest.every((l) => l["chosenBy"] === "selector_llm")).toBe(true);
    expect(manifest[0]!["reason"]).toBe("keeps the image concrete");
    // The path is the seed plus nine chosen segments, each a node recorded with its generator provenance.
    expect(session.loom.currentPath).toHaveLength(10);
    const chosen = session.loom.nodes["n_000005"]!;
    expect(chosen.meta).toMatchObject({
      provider: "scripted",
      model: "scripted",
      sampling: { temperature: 1, topP: 1 },
    });
    expect(chosen.meta["prompt"]).toBe("The attention was a hand, and it was holding");
    // Each selector request saw the text as it grew.
    const lastPrompt = (rig.server.requests[9]!.json as any).messages[0].content as string;
    expect(lastPrompt).toContain(session.loom.nodes[manifest[8]!["chosenNodeId"] as string]!.text.trim());

    const usage = orch.getUsage();
    const sel = usage.selector[0]!;
    expect(sel).toMatchObject({
      provider: "anthropic",
      requests: 10,
      inputTokens: bodies.reduce((s: number, b: any) => s + b.usage.input_tokens, 0),
    });
    expect(sel.costUsd).toBeCloseTo((sel.inputTokens * 3 + sel.outputTokens * 15) / 1e6, 9);
    expect(usage.generator[0]).toMatchObject({ provider: "scripted", requests: 10 });
    expect(usage.unpriced).toEqual(["scripted:scripted"]);
    expect(await session.readState<SessionUsage>("usage")).toEqual(usage);

    const types = events.map((e) => e.type).filter((t) => t !== "usage");
    expect(types.slice(0, 3)).toEqual(["step-started", "candidates", "decision"]);
    expect(types.filter((t) => t === "decision")).toHaveLength(10);
    expect(types[types.length - 1]).toBe("stopped");
    await session.close();
  });

  it("leaves the session resumable after a provider error mid-session, re-presenting stored candidates", async () => {
    const bodies = fixture<unknown[]>("anthropic-stateless-session.json");
    rig.server.enqueue(
      { body: bodies[0] },
      { body: bodies[1] },
      { status: 500, body: { type: "error", error: { type: "api_error", message: "Internal server error" } } },
    );
    const { loom, env } = testLoom();
    let session = await createSession(rig.tmp.dir, loom);
    const orch = await Orchestrator.open({
      session,
      generator: new ScriptedGenerator({ seed: 7 }),
      selector: anthropicSelector(),
      env,
    });
    const error = await orch.run().catch((e: unknown) => e);
    expect(SelectorError.isInstance(error) && error.code === "provider" && error.status === 500).toBe(true);
    const openCandidates = session.loom.decisions["d_00000a"]!.candidateNodeIds;
    expect(session.loom.decisions["d_00000a"]!.action).toBeNull();
    await session.close();

    // A new process: reopen, and the open step's candidates are presented again without a generator call.
    rig.server.enqueue(...bodies.slice(2).map((body) => ({ body })));
    session = await openSession(rig.tmp.dir);
    const generator = new ScriptedGenerator({ seed: 7 });
    const resumed = await Orchestrator.open({
      session,
      generator,
      selector: anthropicSelector(),
      env: { ...env, newId: (k) => env.newId(k) },
    });
    const events = recordEvents((l) => resumed.on(l));
    const result = await resumed.run();
    expect(result.reason).toBe("selector");
    const first = events.find((e) => e.type === "candidates");
    expect(first).toMatchObject({
      type: "candidates",
      decisionId: "d_00000a",
      reused: true,
      candidates: openCandidates.map((id) => expect.objectContaining({ id })),
    });
    expect(generator.calls).toHaveLength(7);
    expect(readLines(join(rig.tmp.dir, "manifest.ndjson"))).toHaveLength(10);
    await session.close();
  });
});

describe("a stateless session through the OpenAI SDK with a human for clarifications", () => {
  it("puts the selector's question to the human, then decides with the answer in the prompt", async () => {
    // Candidate ids c1..c3 in the recorded clarify are remapped to this session's ids by the fallback below.
    const { loom, env } = testLoom();
    const session = await createSession(rig.tmp.dir, loom);
    const clarify = fixture<any>("openai-clarify.json");
    const choose = fixture<any>("openai-choose.json");
    const stop = fixture<any>("openai-stop.json");
    rig.server.enqueue({ body: clarify }, { body: choose }, { body: stop });
    const human = scriptedHuman({ answers: [{ answer: "Keep holding." }] });
    const orch = await Orchestrator.open({
      session,
      generator: new ScriptedGenerator({ seed: 3 }),
      selector: createStatelessSelector({
        model: openaiDecisionModel({
          apiKey: "k",
          baseURL: `${rig.server.url}/v1`,
          model: "gpt-4.1-mini",
          maxRetries: 0,
        }),
      }),
      human,
      env,
    });
    const events = recordEvents((l) => orch.on(l));
    const result = await orch.run({ maxSteps: 2 });
    expect(result.reason).toBe("selector");
    expect(human.asked[0]).toMatchObject({
      question: "Should the hand let go, or keep holding?",
      candidatesInTension: ["n_000003", "n_000005"],
    });
    const second = (rig.server.requests[1]!.json as any).messages[1].content as string;
    expect(second).toContain("Question: Should the hand let go, or keep holding?\nAnswer: Keep holding.");
    expect((rig.server.requests[0]!.json as any).messages[0].content).toContain('"clarify"');
    expect((rig.server.requests[1]!.json as any).messages[0].content).not.toContain('- "clarify"');
    const d = session.loom.decisions["d_000002"]!;
    expect(d).toMatchObject({
      action: "choose",
      chosenNodeId: "n_000005",
      humanResponse: "Keep holding.",
      clarificationQuestion: "Should the hand let go, or keep holding?",
    });
    const manifest = readLines(join(rig.tmp.dir, "manifest.ndjson"));
    expect(manifest[0]).toMatchObject({
      clarificationQuestion: "Should the hand let go, or keep holding?",
      humanResponse: "Keep holding.",
    });
    expect(events.map((e) => e.type)).toContain("clarification-asked");
    expect(events.map((e) => e.type)).toContain("clarification-answered");
    await session.close();
  });
});
