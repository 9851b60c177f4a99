// `loom doctor`'s selector probe: one tiny decision against the strict Anthropic and OpenAI chat servers.
import { SelectorConfigSchema } from "@loom/core";
import { ANTHROPIC_RULES, OPENAI_CHAT_RULES, startStrictReplayServer } from "@loom/testkit";
import { describe, expect, it } from "vitest";
import { probeSelectorConfig } from "./probe-selector.js";
import { fixture } from "./test-fixtures.js";

const choose = (id: string) => {
  const body = fixture("anthropic-decision-choose.json") as {
    content: { input: { decision: Record<string, unknown> } }[];
  };
  body.content[0]!.input.decision = {
    action: "choose",
    choice: id,
    ranking: ["a", "b"],
    reason: "the sea opens the line",
  };
  return body;
};

describe("doctor: selector probe", () => {
  it("Anthropic: one valid decision, its cost, and the thinking and tool facts", async () => {
    const server = await startStrictReplayServer(ANTHROPIC_RULES);
    try {
      server.enqueue({ body: choose("a") });
      const config = SelectorConfigSchema.parse({ mode: "stateless", model: "claude-sonnet-5-5", baseUrl: server.url });
      const report = await probeSelectorConfig(config, { LOOM_CUSTOM_API_KEY: "k" });
      expect(report).toMatchObject({
        ok: true,
        reachable: true,
        auth: true,
        modelServed: true,
        cost: { requests: 1, inputTokens: 812, outputTokens: 96 },
      });
      expect(report.facts.join("\n")).toMatch(/thinking: switched off[\s\S]*tool_choice: auto/);
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it("OpenAI: a 401 reads as auth failed; a missing key is reported without a request", async () => {
    const server = await startStrictReplayServer(OPENAI_CHAT_RULES);
    try {
      server.enqueue({
        status: 401,
        body: {
          error: { message: "Incorrect API key provided", type: "invalid_request_error", code: "invalid_api_key" },
        },
      });
      const config = SelectorConfigSchema.parse({
        mode: "agentic",
        model: "gpt-5.4-mini",
        baseUrl: `${server.url}/v1`,
      });
      expect(await probeSelectorConfig(config, { LOOM_CUSTOM_API_KEY: "k" })).toMatchObject({
        ok: false,
        reachable: true,
        auth: false,
      });
      const keyless = await probeSelectorConfig(config, {});
      expect(keyless).toMatchObject({ ok: false, cost: { requests: 0 } });
      expect(keyless.error).toContain("LOOM_CUSTOM_API_KEY");
    } finally {
      await server.close();
    }
  });
});
