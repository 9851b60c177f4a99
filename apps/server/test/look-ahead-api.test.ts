// Expand to depth and several generators over real HTTP: the estimate, the look-ahead sent live, a paid service (OpenAI's SDK against the strict replay server) refused until confirmed and priced by the server.
import {
  OPENAI_COMPLETIONS_RULES,
  openaiCompletionReply,
  startStrictReplayServer,
  type StrictReplayServer,
} from "@loom/testkit";
import { ScriptedGenerator } from "@loom/generators/test";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTestServer, type TestServer } from "./helpers.js";
import { subscribe } from "./sse-client.js";

type LoomJson = {
  currentPath: string[];
  rootId: string;
  nodes: Record<string, { parentId: string | null; text: string; meta: Record<string, unknown> }>;
};
const loomOf = async (t: TestServer, id: string) =>
  (await t.call("GET", `/api/sessions/${id}/export?format=json`)).body.loom as LoomJson;

describe("on the server's own generator", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  test("GET estimates, POST generates depth × width below a node, sent live as `expanded`, the tip unchanged", async () => {
    const id = (await t.call("POST", "/api/sessions", { seed: "The lamp burned" })).body.id as string;
    const root = (await loomOf(t, id)).rootId;
    const e = await t.call("GET", `/api/sessions/${id}/nodes/${root}/expand?depth=2&width=2`);
    expect(e.status, JSON.stringify(e.body)).toBe(200);
    expect(e.body.estimate).toMatchObject({ nodes: 6, calls: 3, paid: false, costUsd: null });

    const sub = await subscribe(`${t.server.url}/api/sessions/${id}/events`);
    const r = await t.call("POST", `/api/sessions/${id}/nodes/${root}/expand`, { depth: 2, width: 2 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.nodeIds).toHaveLength(6);
    expect(r.body.tip).toBe(root);
    const last = r.body.nodeIds.at(-1);
    await sub.waitFor(
      (ev) =>
        ev.event === "expanded" && (ev.data as { candidates: { id: string }[] }).candidates.some((c) => c.id === last),
    );
    const expanded = sub.events.filter((ev) => ev.event === "expanded");
    expect(expanded).toHaveLength(3);
    expect(expanded[0]!.data).toMatchObject({ fromNodeId: root, level: 1, depth: 2, parentNodeId: root });
    sub.close();
    const loom = await loomOf(t, id);
    expect(loom.currentPath).toEqual([root]);
    expect(Object.keys(loom.nodes)).toHaveLength(7);
    expect(loom.nodes[last]!.meta["lookAhead"]).toEqual({ from: root, level: 2 });
  });

  test("a bad depth or width is a 400 naming it, an unknown node a 404; nothing is added", async () => {
    const id = (await t.call("POST", "/api/sessions", { seed: "The lamp burned" })).body.id as string;
    const root = (await loomOf(t, id)).rootId;
    const wide = await t.call("POST", `/api/sessions/${id}/nodes/${root}/expand`, { depth: 1, width: 65 });
    expect(wide.status).toBe(400);
    expect(wide.body.error.field).toBe("width");
    const huge = await t.call("POST", `/api/sessions/${id}/nodes/${root}/expand`, { depth: 6, width: 8 });
    expect(huge.status).toBe(400);
    expect(huge.body.error.message).toMatch(/at most 2000/);
    const q = await t.call("GET", `/api/sessions/${id}/nodes/${root}/expand?depth=0&width=2`);
    expect(q.status).toBe(400);
    expect(q.body.error.field).toBe("depth");
    const none = await t.call("POST", `/api/sessions/${id}/nodes/n_nope/expand`, { depth: 1, width: 1 });
    expect(none.status).toBe(404);
    expect(Object.keys((await loomOf(t, id)).nodes)).toHaveLength(1);
  });
});

describe("a paid service", () => {
  let llm: StrictReplayServer;
  let t: TestServer;
  beforeAll(async () => {
    llm = await startStrictReplayServer(OPENAI_COMPLETIONS_RULES);
    llm.setFallback((request) => openaiCompletionReply(request, llm.requests.length));
  });
  afterAll(async () => {
    await t?.stop();
    await llm.close();
  });

  test("the look-ahead's cost is estimated from the server's prices and nothing is called until confirmed", async () => {
    t = await startTestServer({
      defaultConfig: { generator: { provider: "openai", model: "davinci-002", baseUrl: llm.url, segmentTokens: 2 } },
      backendOptions: {
        secrets: { LOOM_CUSTOM_API_KEY: "sk-test-ahead" },
        prices: { "openai:davinci-002": { inputPerMTok: 10, outputPerMTok: 30 } },
      },
    });
    const id = (await t.call("POST", "/api/sessions", { seed: "Once upon a time" })).body.id as string;
    const root = (await loomOf(t, id)).rootId;
    const e = (await t.call("GET", `/api/sessions/${id}/nodes/${root}/expand?depth=2&width=2`)).body.estimate;
    expect(e).toMatchObject({ nodes: 6, calls: 3, requests: 3, paid: true, unpriced: [] });
    expect(e.costUsd).toBeCloseTo((e.inputTokens * 10 + e.outputTokens * 30) / 1e6, 12);

    const refused = await t.call("POST", `/api/sessions/${id}/nodes/${root}/expand`, { depth: 2, width: 2 });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("confirm_cost");
    expect(refused.body.error.message).toMatch(/paid service \(openai:davinci-002\): 6 nodes, 3 requests, ~\$0\.000/);
    expect(llm.requests).toHaveLength(0);

    const r = await t.call("POST", `/api/sessions/${id}/nodes/${root}/expand`, { depth: 2, width: 2, confirm: true });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.nodeIds).toHaveLength(6);
    expect(llm.requests).toHaveLength(3);
    expect(llm.requests.map((q) => (q.json as { n: number }).n)).toEqual([2, 2, 2]);
  });

  test("generators alongside: the server's configured second model adds its candidates to each step; a client may not send its base URL", async () => {
    const scripted = await startTestServer({
      defaultConfig: {
        generator: {
          provider: "local",
          alongside: [{ provider: "openai", model: "davinci-002", baseUrl: llm.url, branchingFactor: 2 }],
        },
      },
      backendOptions: {
        generatorFor: () => new ScriptedGenerator({ seed: 7 }),
        secrets: { LOOM_CUSTOM_API_KEY: "sk-test-alongside" },
      },
    });
    try {
      const before = llm.requests.length;
      const id = (await scripted.call("POST", "/api/sessions", { seed: "Once upon a time" })).body.id as string;
      const g = await scripted.call("POST", `/api/sessions/${id}/generate`, {});
      expect(g.status, JSON.stringify(g.body)).toBe(200);
      const loom = await loomOf(scripted, id);
      const models = g.body.open.candidateNodeIds.map((n: string) => loom.nodes[n]!.meta["model"]);
      expect(models.filter((m: unknown) => m === "davinci-002")).toHaveLength(2);
      expect(models.length).toBeGreaterThan(2);
      expect(llm.requests.length - before).toBe(1);

      const bad = await scripted.call("POST", "/api/sessions", {
        seed: "x",
        generator: { alongside: [{ provider: "openai", model: "davinci-002", baseUrl: "http://attacker.example" }] },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.field).toBe("generator.alongside.0.baseUrl");
    } finally {
      await scripted.stop();
    }
  });
});
