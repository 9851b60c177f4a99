// The agentic selector on a current Claude model through the real SDK and the strict Anthropic replay server.
import { ANTHROPIC_RULES, startStrictReplayServer, type StrictReplayServer } from "@loom/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { emptyConversation, trimConversation } from "./agent-conversation.js";
import type { AgentTools } from "./agent-tool-contract.js";
import { createAgenticSelector } from "./agentic-selector.js";
import { anthropicAgentModel } from "./anthropic-agent-model.js";
import { loomWithCandidates } from "./test-fixtures.js";

let server: StrictReplayServer;
beforeEach(async () => {
  server = await startStrictReplayServer(ANTHROPIC_RULES);
});
afterEach(() => server.close());

const message = (content: unknown[], stop_reason: string) => ({
  id: "msg_01Agent",
  type: "message",
  role: "assistant",
  model: "claude-opus-5-5",
  content,
  stop_reason,
  stop_sequence: null,
  usage: { input_tokens: 900, output_tokens: 40, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
});
const thinking = { type: "thinking", thinking: "", signature: "EqQBCkgIBhABGAIiQ2b0" };
const commit = {
  type: "tool_use",
  id: "toolu_01Commit",
  name: "commit_choice",
  input: { candidateId: "c2", reason: "keeps the image thinking" },
};

function tools(calls: string[]): AgentTools {
  const done = (name: string, outcome?: "committed" | "stopped") => async () => (
    calls.push(name), { content: "ok", ...(outcome ? { outcome } : {}) }
  );
  return {
    generateCandidates: done("generate_candidates"),
    commitChoice: done("commit_choice", "committed"),
    requestHumanInput: done("request_human_input"),
    stopGeneration: done("stop_generation", "stopped"),
    queryLoom: done("query_loom"),
    updateBrief: done("update_brief"),
    updateSummary: done("update_summary"),
    holdPath: done("hold_path"),
    switchPath: done("switch_path"),
  };
}

describe("agentic selector on a model that always thinks", () => {
  it("never stores an empty assistant turn, so the next call and a resume stay valid", async () => {
    // First reply: thinking used the whole budget, nothing else. Second: a tool call after thinking.
    server.enqueue({ body: message([thinking], "max_tokens") }, { body: message([thinking, commit], "tool_use") });
    const model = anthropicAgentModel({ apiKey: "k", baseURL: server.url, model: "claude-opus-5-5", maxRetries: 0 });
    const selector = createAgenticSelector({ model });
    const calls: string[] = [];
    const outcome = await selector.step({ loom: loomWithCandidates().loom, tools: tools(calls), allowClarify: false });
    expect(outcome).toEqual({ kind: "committed" });
    expect(calls).toEqual(["commit_choice"]);
    const sent = server.requests.map(
      (r) => r.json as { thinking?: unknown; max_tokens: number; messages: { role: string }[] },
    );
    expect(sent[0]).toMatchObject({ thinking: { type: "adaptive" }, max_tokens: 16000 });
    expect(sent[1]!.messages.map((m) => m.role)).toEqual(["user", "user"]);
    const saved = selector.conversation()!.messages;
    expect(saved.filter((m) => m["role"] === "assistant")).toHaveLength(1);
    // The stored turn keeps its thinking block whole beside the tool call, as the API requires.
    expect(saved.find((m) => m["role"] === "assistant")!["content"]).toEqual([
      thinking,
      { type: "tool_use", id: "toolu_01Commit", name: "commit_choice", input: commit.input },
    ]);
  });
});

describe("trimming with thinking blocks", () => {
  it("drops old thinking blocks once the prefix they belong to is cut, and keeps the latest turn's", () => {
    const model = anthropicAgentModel({ apiKey: "k", model: "claude-opus-5-5" });
    const state = emptyConversation(model, "system");
    state.messages.push({ role: "user", content: "the opening" });
    for (let i = 0; i < 6; i++) {
      state.messages.push(
        { role: "assistant", content: [thinking, { type: "tool_use", id: `t${i}`, name: "query_loom", input: {} }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: `t${i}`, content: "x".repeat(400) }] },
      );
    }
    expect(trimConversation(state, model, 500)).toBeGreaterThan(0);
    const assistants = state.messages.filter((m) => m["role"] === "assistant");
    expect(assistants.length).toBeGreaterThan(1);
    expect(assistants.at(-1)!["content"]).toContainEqual(thinking);
    for (const a of assistants.slice(0, -1)) expect(a["content"]).not.toContainEqual(thinking);
  });
});

describe("agentic selector's criteria", () => {
  it("its system prompt states the design's default criteria for a brief without lists", async () => {
    server.enqueue({ body: message([thinking, commit], "tool_use") });
    const model = anthropicAgentModel({ apiKey: "k", baseURL: server.url, model: "claude-opus-5-5", maxRetries: 0 });
    const loom = loomWithCandidates({ title: "Untitled" }).loom;
    await createAgenticSelector({ model }).step({ loom, tools: tools([]), allowClarify: false });
    const system = JSON.stringify((server.requests[0]!.json as { system: unknown }).system);
    expect(system).not.toContain("none given");
    for (const criterion of ["Syntactic pull", "Image density", "Premature resolution", "Generic mysticism", "Filler"])
      expect(system).toContain(criterion);
  });
});
