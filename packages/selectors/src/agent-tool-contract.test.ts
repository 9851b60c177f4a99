import { describe, expect, it } from "vitest";
import { anthropicAgentModel } from "./anthropic-agent-model.js";
import { emptyConversation, estimateTokens, trimConversation } from "./agent-conversation.js";
import { agentToolDefinitions, runAgentTool, type AgentTools } from "./agent-tool-contract.js";

describe("the agent's tools", () => {
  it("have JSON Schemas generated from zod, with the documented parameters", () => {
    const defs = Object.fromEntries(agentToolDefinitions().map((d) => [d.name, d.inputSchema]));
    expect(Object.keys(defs)).toEqual([
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
    expect((defs["update_brief"] as any).required).toEqual(["changes", "reason"]);
    expect((defs["switch_path"] as any).required).toEqual(["to"]);
    expect(Object.keys((defs["hold_path"] as any).properties)).toEqual(["nodeId"]);
    expect(Object.keys((defs["generate_candidates"] as any).properties)).toEqual(["parentNodeId", "n", "maxTokens"]);
    expect((defs["commit_choice"] as any).required).toEqual(["candidateId", "reason"]);
    expect((defs["request_human_input"] as any).required).toEqual([
      "question",
      "candidatesInTension",
      "whatHingesOnIt",
    ]);
    expect((defs["query_loom"] as any).properties.queryType.enum).toEqual([
      "last_n_decisions",
      "rejected_at",
      "find_divergences",
      "find_clarifications",
      "find_token_divergences",
    ]);
    for (const schema of Object.values(defs))
      expect(schema).toMatchObject({ type: "object", additionalProperties: false });
  });

  it("turn unknown tools and invalid inputs into error results without calling the orchestrator", async () => {
    const calls: string[] = [];
    const tools = new Proxy({} as AgentTools, {
      get: (_t, name) => async () => (calls.push(String(name)), { content: "ok" }),
    });
    expect(await runAgentTool(tools, "delete_everything", {})).toMatchObject({
      isError: true,
      content: expect.stringContaining('unknown tool "delete_everything"'),
    });
    expect(await runAgentTool(tools, "commit_choice", { candidateId: "a" })).toMatchObject({
      isError: true,
      content: expect.stringContaining("reason"),
    });
    expect(await runAgentTool(tools, "generate_candidates", { n: 0 })).toMatchObject({
      isError: true,
      content: expect.stringContaining("n:"),
    });
    expect(await runAgentTool(tools, "query_loom", { queryType: "everything" })).toMatchObject({ isError: true });
    expect(await runAgentTool(tools, "update_brief", { changes: {}, reason: "x" })).toMatchObject({ isError: true });
    expect(await runAgentTool(tools, "update_brief", { changes: { mood: "dark" }, reason: "x" })).toMatchObject({
      isError: true,
    });
    expect(await runAgentTool(tools, "switch_path", {})).toMatchObject({ isError: true });
    expect(calls).toEqual([]);
    expect(await runAgentTool(tools, "generate_candidates", undefined)).toEqual({ content: "ok" });
    expect(calls).toEqual(["generateCandidates"]);
  });
});

describe("trimming the agent's conversation", () => {
  const model = anthropicAgentModel({ apiKey: "k", model: "claude-sonnet-5-5" });
  const exchange = (i: number) => [
    { role: "assistant", content: [{ type: "tool_use", id: `t${i}`, name: "generate_candidates", input: {} }] },
    { role: "user", content: [{ type: "tool_result", tool_use_id: `t${i}`, content: "x".repeat(400) }] },
  ];

  it("drops the oldest whole exchanges, keeping the opening message and tool calls with their results", () => {
    const state = emptyConversation(model, "system");
    state.messages.push({ role: "user", content: "the opening" });
    for (let i = 0; i < 10; i++) state.messages.push(...exchange(i));
    const before = estimateTokens(state.messages);
    const dropped = trimConversation(state, model, Math.floor(before / 2));
    expect(dropped).toBeGreaterThan(0);
    expect(state.trimmedExchanges).toBe(dropped);
    expect(state.messages[0]).toEqual({ role: "user", content: "the opening" });
    expect(state.messages[1]!["role"]).toBe("assistant");
    expect(state.messages.length).toBe(1 + 2 * (10 - dropped));
    const last = state.messages[state.messages.length - 1] as any;
    expect(last.content[0].tool_use_id).toBe("t9");
    expect(estimateTokens(state.messages)).toBeLessThanOrEqual(Math.floor(before / 2));
  });

  it("never drops the latest exchange, however small the budget", () => {
    const state = emptyConversation(model, "system");
    state.messages.push({ role: "user", content: "the opening" }, ...exchange(0), ...exchange(1));
    trimConversation(state, model, 1);
    expect(state.messages).toHaveLength(3);
    expect((state.messages[1] as any).content[0].id).toBe("t1");
  });
});
