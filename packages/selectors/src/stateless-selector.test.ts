import { ANTHROPIC_RULES, OPENAI_CHAT_RULES, startStrictReplayServer, type StrictReplayServer } from "@loom/testkit";
import type { BriefInput } from "@loom/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { anthropicDecisionModel } from "./anthropic-decision-model.js";
import { openaiDecisionModel } from "./openai-decision-model.js";
import { SelectorError } from "./selector-error.js";
import { createStatelessSelector } from "./stateless-selector.js";
import type { ModelUsage } from "./model-usage.js";
import { candidatesOf, fixture, loomWithCandidates } from "./test-fixtures.js";

let server: StrictReplayServer;
beforeEach(async (ctx) => {
  server = await startStrictReplayServer(ctx.task.suite?.name.includes("OpenAI") ? OPENAI_CHAT_RULES : ANTHROPIC_RULES);
});
afterEach(async () => {
  await server.close();
});

const anthropic = () =>
  anthropicDecisionModel({ apiKey: "test-key", baseURL: server.url, model: "claude-sonnet-5-5", maxRetries: 0 });
const openai = () =>
  openaiDecisionModel({
    apiKey: "test-key",
    baseURL: `${server.url}/v1`,
    model: "gpt-5.4-mini",
    maxTokens: 2000,
    maxRetries: 0,
  });

function context(extra: { allowClarify?: boolean } = {}, brief?: BriefInput) {
  const { loom, decisionId } = loomWithCandidates(brief);
  const usage: ModelUsage[] = [];
  return {
    usage,
    ctx: {
      loom,
      decisionId,
      candidates: candidatesOf(loom, decisionId),
      reportUsage: (u: ModelUsage) => usage.push(u),
      ...extra,
    },
  };
}

describe("stateless selector on Anthropic (one offered tool, validated)", () => {
  it("returns the decision from the tool input; sends brief, candidates, the tool unforced, thinking set, no sampling", async () => {
    server.enqueue({ body: fixture("anthropic-decision-choose.json") });
    const { ctx, usage } = context();
    const decision = await createStatelessSelector({ model: anthropic() }).select(ctx);
    expect(decision).toEqual({
      action: "choose",
      choice: "c2",
      ranking: ["c2", "c1", "c3"],
      scores: { c2: { aliveness: 8, fit: 7 }, c1: { aliveness: 4, fit: 8 } },
      reason: "c2 keeps the image thinking; c1 resolves too neatly.",
    });
    const body = server.requests[0]!.json as Record<string, any>;
    expect(server.requests[0]!.path).toBe("/v1/messages");
    // Forced tool choice is refused by Claude 5.5 models and by any model while it thinks.
    expect(body["tool_choice"]).toEqual({ type: "auto", disable_parallel_tool_use: true });
    expect(body["thinking"]).toEqual({ type: "between_tools" });
    expect(body["max_tokens"]).toBe(4096);
    expect(body).not.toHaveProperty("temperature");
    expect(body["tools"][0].input_schema.type).toBe("object");
    expect(body["system"]).toContain("- Images that think");
    expect(body["messages"][0].content).toContain('[c2] (logprob -6.500): " a question that thought back."');
    expect(usage).toEqual([
      { provider: "anthropic", model: "claude-sonnet-5-5", inputTokens: 812, outputTokens: 96, requests: 1 },
    ]);
  });

  it("states the design's default criteria when the brief has no lists, and adds a brief's own items to them", async () => {
    server.enqueue(
      { body: fixture("anthropic-decision-choose.json") },
      { body: fixture("anthropic-decision-choose.json") },
    );
    await createStatelessSelector({ model: anthropic() }).select(context({}, { title: "Untitled" }).ctx);
    await createStatelessSelector({ model: anthropic() }).select(context().ctx);
    const [plain, briefed] = server.requests.map((r) => (r.json as { system: string }).system);
    for (const system of [plain!, briefed!]) {
      expect(system).not.toContain("none given");
      expect(system).toMatch(
        /Select FOR[\s\S]*Syntactic pull[\s\S]*Image density[\s\S]*Surprise that fits[\s\S]*Load-bearing phrasing[\s\S]*Register match/,
      );
      expect(system).toMatch(
        /Select AGAINST[\s\S]*Assistant-mode hedging[\s\S]*Premature resolution[\s\S]*Generic mysticism[\s\S]*Filler[\s\S]*Register breaks/,
      );
    }
    expect(plain).toContain("(this brief adds none of its own)");
    // The worldspider lists add Aliveness and Neat resolution; its "Assistant-mode hedging" is a default, stated once.
    expect(briefed).toMatch(/Syntactic pull[\s\S]*From this brief:\n- Aliveness\n- Images that think\nSelect AGAINST/);
    expect(briefed).toMatch(/Register breaks[\s\S]*From this brief:\n- Neat resolution/);
    expect(briefed!.match(/Assistant-mode hedging/g)).toHaveLength(1);
  });

  it("sends an unknown candidate id back once as an error tool_result, and takes the repaired decision", async () => {
    server.enqueue(
      { body: fixture("anthropic-decision-bad-id.json") },
      { body: fixture("anthropic-decision-choose.json") },
    );
    const { ctx } = context();
    const decision = await createStatelessSelector({ model: anthropic() }).select(ctx);
    expect(decision.action === "choose" && decision.choice).toBe("c2");
    const repair = server.requests[1]!.json as Record<string, any>;
    expect(repair["messages"]).toHaveLength(3);
    expect(repair["messages"][1].content[0]).toMatchObject({ type: "tool_use", id: "toolu_01Bb7Nn4Mm1Kk8Jj5Hh2Gg9F" });
    const result = repair["messages"][2].content[0];
    expect(result).toMatchObject({
      type: "tool_result",
      tool_use_id: "toolu_01Bb7Nn4Mm1Kk8Jj5Hh2Gg9F",
      is_error: true,
    });
    expect(result.content).toContain('decision.choice: "candidate 2" is not a candidate id (candidates: c1, c2, c3)');
  });

  it("after a failed repair retries afresh, then reports a typed error with every attempt — never a guess", async () => {
    for (let i = 0; i < 4; i++)
      server.enqueue({
        body: fixture(i % 2 ? "anthropic-decision-missing-reason.json" : "anthropic-decision-bad-id.json"),
      });
    const { ctx, usage } = context();
    const error = await createStatelessSelector({ model: anthropic() })
      .select(ctx)
      .catch((e: unknown) => e);
    expect(SelectorError.isInstance(error)).toBe(true);
    const e = error as SelectorError;
    expect(e.code).toBe("invalid_output");
    expect(e.attempts).toHaveLength(4);
    expect(e.attempts[1]!.error).toContain("decision.reason");
    expect(server.requests.map((r) => (r.json as { messages: unknown[] }).messages.length)).toEqual([1, 3, 1, 3]);
    expect(usage).toHaveLength(4);
  });

  it("asks again when the reply is empty (thinking used the budget) and never sends an empty assistant turn back", async () => {
    const empty = {
      ...fixture("anthropic-decision-choose.json"),
      content: [{ type: "thinking", thinking: "", signature: "EqQBCkgIBhAB" }],
      stop_reason: "max_tokens",
    };
    server.enqueue({ body: empty }, { body: fixture("anthropic-decision-choose.json") });
    const { ctx } = context();
    const decision = await createStatelessSelector({ model: anthropic() }).select(ctx);
    expect(decision.action).toBe("choose");
    const repair = server.requests[1]!.json as { messages: { role: string; content: unknown }[] };
    expect(repair.messages.map((m) => m.role)).toEqual(["user", "user"]);
    expect(JSON.stringify(repair.messages[1]!.content)).toContain("the output budget ran out");
  });

  it("reports a provider outage as a retryable provider error", async () => {
    server.enqueue({ status: 529, body: fixture("anthropic-overloaded.json") });
    const { ctx } = context();
    const error = (await createStatelessSelector({ model: anthropic() })
      .select(ctx)
      .catch((e: unknown) => e)) as SelectorError;
    expect(error.code).toBe("provider");
    expect(error.status).toBe(529);
    expect(error.retryable).toBe(true);
  });

  it("names the environment variable when no key is configured", () => {
    const saved = process.env["ANTHROPIC_API_KEY"];
    delete process.env["ANTHROPIC_API_KEY"];
    try {
      expect(() => anthropicDecisionModel({ model: "m" })).toThrow(/ANTHROPIC_API_KEY/);
    } finally {
      if (saved !== undefined) process.env["ANTHROPIC_API_KEY"] = saved;
    }
  });
});

describe("stateless selector on OpenAI chat (structured output)", () => {
  it("uses max_completion_tokens and no temperature, as reasoning models require", async () => {
    server.enqueue({ body: fixture("openai-decision-stop.json") });
    await createStatelessSelector({ model: openai() }).select(context().ctx);
    expect(server.requests[0]!.json).toMatchObject({ max_completion_tokens: 2000 });
    expect(server.requests[0]!.json).not.toHaveProperty("max_tokens");
    expect(server.requests[0]!.json).not.toHaveProperty("temperature");
  });

  it("asks for a JSON Schema response format and returns the decision", async () => {
    server.enqueue({ body: fixture("openai-decision-stop.json") });
    const { ctx } = context();
    const decision = await createStatelessSelector({ model: openai() }).select(ctx);
    expect(decision).toEqual({
      action: "stop",
      reason: "The last line lands the image; anything more would explain it.",
    });
    const body = server.requests[0]!.json as Record<string, any>;
    expect(server.requests[0]!.path).toBe("/v1/chat/completions");
    expect(body["response_format"].type).toBe("json_schema");
    expect(body["response_format"].json_schema.schema.required).toEqual(["decision"]);
    expect(body["messages"][0].role).toBe("system");
  });

  it("repairs prose output by sending it back with the parse error", async () => {
    server.enqueue({ body: fixture("openai-decision-not-json.json") }, { body: fixture("openai-decision-stop.json") });
    const { ctx } = context();
    const decision = await createStatelessSelector({ model: openai() }).select(ctx);
    expect(decision.action).toBe("stop");
    const messages = (server.requests[1]!.json as { messages: { role: string; content: string }[] }).messages;
    expect(messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "user"]);
    expect(messages[2]!.content).toBe("I would choose c3 because it is the most surprising.");
    expect(messages[3]!.content).toContain("not valid JSON");
  });

  it("rejects a clarify when clarification is off, and accepts it when a human can answer", async () => {
    server.enqueue({ body: fixture("openai-decision-clarify.json") }, { body: fixture("openai-decision-stop.json") });
    const off = await createStatelessSelector({ model: openai() }).select(context({ allowClarify: false }).ctx);
    expect(off.action).toBe("stop");
    expect((server.requests[1]!.json as { messages: { content: string }[] }).messages[3]!.content).toContain(
      "clarify is not available",
    );
    server.enqueue({ body: fixture("openai-decision-clarify.json") });
    const on = await createStatelessSelector({ model: openai() }).select(context({ allowClarify: true }).ctx);
    expect(on).toMatchObject({ action: "clarify", candidatesInTension: ["c1", "c3"] });
  });
});
