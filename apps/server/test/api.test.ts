// API tests over real HTTP on loopback: validation errors name the field, unknown sessions 404, a racing decision 409, SSE delivery.
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTestServer, type TestServer } from "./helpers.js";
import { subscribe } from "./sse-client.js";

let t: TestServer;
const SECRET = "sk-test-never-on-the-page-1234";

beforeAll(async () => {
  t = await startTestServer({
    backendOptions: {
      generatorFor: () => import("@loom/generators/test").then((m) => new m.ScriptedGenerator({ seed: 3 })),
      secrets: { ANTHROPIC_API_KEY: SECRET },
    },
  });
});
afterAll(() => t.stop());

async function newSession(body: Record<string, unknown> = {}) {
  const res = await t.call("POST", "/api/sessions", { seed: "The lighthouse keeper", ...body });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

describe("request validation", () => {
  test("a wrong type is a 400 naming the field", async () => {
    const res = await t.call("POST", "/api/sessions", { seed: 42 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_body");
    expect(res.body.error.field).toBe("seed");
    expect(res.body.error.message).toMatch(/seed/);
  });

  test("a nested field is named by its path", async () => {
    const res = await t.call("POST", "/api/sessions", { seed: "x", generator: { temperature: "hot" } });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe("generator.temperature");
  });

  test("an unknown field is named, not silently dropped", async () => {
    const res = await t.call("POST", "/api/sessions", { seed: "x", outputDir: "/etc" });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe("outputDir");
  });

  test("a missing field of an action is named", async () => {
    const id = await newSession();
    const res = await t.call("POST", `/api/sessions/${id}/choose`, { nodeId: "n_x" });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe("decisionId");
  });

  test("invalid JSON, a wrong content type and an oversized body are refused", async () => {
    expect((await t.call("POST", "/api/sessions", "{not json")).status).toBe(400);
    const typed = await fetch(`${t.server.url}/api/sessions`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "seed",
    });
    expect(typed.status).toBe(415);
    const big = await t.call("POST", "/api/sessions", { seed: "x".repeat(1024 * 1024 + 10) });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe("body_too_large");
  });

  test("a bad query parameter is a 400 naming it", async () => {
    const id = await newSession();
    const res = await t.call("GET", `/api/sessions/${id}?limit=abc`);
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe("limit");
  });
});

describe("sessions", () => {
  test("an unknown session is a 404", async () => {
    const res = await t.call("GET", "/api/sessions/no-such-session");
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("unknown_session");
    expect((await t.call("POST", "/api/sessions/no-such-session/generate", {})).status).toBe(404);
  });

  test("session ids cannot escape the sessions directory", async () => {
    for (const bad of ["..", "..%2F..%2Fetc", "a%2Fb", ".hidden"]) {
      const res = await t.call("GET", `/api/sessions/${bad}`);
      expect([400, 404]).toContain(res.status);
    }
    expect((await t.call("GET", "/api/sessions/..%2F..%2Fetc")).body.error.code).toBe("invalid_session_id");
    const res = await t.call("POST", "/api/sessions", { seed: "x", sessionId: "../escape" });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe("sessionId");
  });

  test("create, generate, choose, write, checkout and export round-trip; the list shows the session", async () => {
    const id = await newSession({
      sessionId: "round-trip",
      brief: { title: "Keeper" },
      generator: { branchingFactor: 3 },
    });
    const gen = await t.call("POST", `/api/sessions/${id}/generate`, {});
    expect(gen.status).toBe(200);
    expect(gen.body.open.candidateNodeIds).toHaveLength(3);
    const chosen = gen.body.open.candidateNodeIds[1];
    const ch = await t.call("POST", `/api/sessions/${id}/choose`, {
      decisionId: gen.body.open.decisionId,
      nodeId: chosen,
      reason: "the best",
    });
    expect(ch.status).toBe(200);
    expect(ch.body.tip).toBe(chosen);
    const w = await t.call("POST", `/api/sessions/${id}/write`, { text: " and then it rained." });
    expect(w.status).toBe(200);
    const page = await t.call("GET", `/api/sessions/${id}`);
    expect(page.body.text.startsWith("The lighthouse keeper")).toBe(true);
    expect(page.body.text.endsWith(" and then it rained.")).toBe(true);
    expect(page.body.history.map((d: { reason: string }) => d.reason)).toContain("the best");
    expect(page.body.totals.nodes).toBe(5);
    const back = await t.call("POST", `/api/sessions/${id}/checkout`, { nodeId: chosen });
    expect(back.body.tip).toBe(chosen);
    const node = await t.call("GET", `/api/sessions/${id}/nodes/${chosen}`);
    expect(node.body.fullText.startsWith("The lighthouse keeper")).toBe(true);
    const md = await t.call("GET", `/api/sessions/${id}/export?format=md`);
    expect(md.body).toContain("# Keeper");
    // The decisions along the path, with who chose and why (the page's Markdown export).
    expect(md.body).toContain("## Decisions");
    expect(md.body).toContain("Why: the best");
    const json = await t.call("GET", `/api/sessions/${id}/export?format=json`);
    expect(Object.keys(json.body.loom.nodes)).toHaveLength(5);
    const list = await t.call("GET", "/api/sessions");
    expect(list.body.sessions.map((s: { id: string }) => s.id)).toContain("round-trip");
    expect((await t.call("POST", "/api/sessions", { seed: "again", sessionId: "round-trip" })).status).toBe(409);
  });

  test("pages cover every node once, parents first, with an ETag", async () => {
    const id = await newSession({ generator: { branchingFactor: 4 } });
    for (let i = 0; i < 5; i++) {
      const g = await t.call("POST", `/api/sessions/${id}/generate`, {});
      await t.call("POST", `/api/sessions/${id}/choose`, {
        decisionId: g.body.open.decisionId,
        nodeId: g.body.open.candidateNodeIds[i % 4],
      });
    }
    const seen: string[] = [];
    let cursor: number | null = 0;
    while (cursor !== null) {
      const p: { status: number; body: any } = await t.call("GET", `/api/sessions/${id}?limit=3&cursor=${cursor}`);
      for (const n of p.body.nodes) {
        if (n.parentId) expect(seen).toContain(n.parentId);
        seen.push(n.id);
      }
      cursor = p.body.page.nextCursor;
    }
    expect(seen).toHaveLength(21);
    expect(new Set(seen).size).toBe(21);
    const first = await fetch(`${t.server.url}/api/sessions/${id}`);
    const etag = first.headers.get("etag")!;
    expect((await fetch(`${t.server.url}/api/sessions/${id}`, { headers: { "if-none-match": etag } })).status).toBe(
      304,
    );
  });

  test("API keys never reach the page or the API's answers", async () => {
    const id = await newSession({ selector: { mode: "stateless", provider: "anthropic", model: "claude-sonnet-5-5" } });
    for (const path of [`/api/sessions/${id}`, `/api/sessions/${id}/export?format=json`, "/", "/api/openapi.json"]) {
      const res = await fetch(t.server.url + path);
      expect(await res.text()).not.toContain(SECRET);
    }
  });
});

describe("the race rule and events", () => {
  test("a second decision racing the first gets 409; exactly one is recorded", async () => {
    const id = await newSession();
    const g = await t.call("POST", `/api/sessions/${id}/generate`, {});
    const [a, b] = g.body.open.candidateNodeIds;
    const [r1, r2] = await Promise.all([
      t.call("POST", `/api/sessions/${id}/choose`, { decisionId: g.body.open.decisionId, nodeId: a }),
      t.call("POST", `/api/sessions/${id}/choose`, { decisionId: g.body.open.decisionId, nodeId: b }),
    ]);
    expect([r1.status, r2.status].sort()).toEqual([200, 409]);
    const loser = r1.status === 409 ? r1 : r2;
    expect(loser.body.error.code).toBe("decision_not_open");
    const stop = await t.call("POST", `/api/sessions/${id}/stop`, { decisionId: g.body.open.decisionId });
    expect(stop.status).toBe(409);
    const page = await t.call("GET", `/api/sessions/${id}`);
    expect(page.body.history.filter((d: { action: string }) => d.action === "choose")).toHaveLength(1);
  });

  test("a candidate of another decision is a 400 naming nodeId", async () => {
    const id = await newSession();
    const g1 = await t.call("POST", `/api/sessions/${id}/generate`, {});
    const res = await t.call("POST", `/api/sessions/${id}/choose`, {
      decisionId: "d_other",
      nodeId: g1.body.open.candidateNodeIds[0],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe("nodeId");
  });

  test("subscribers receive candidates, the decision and the stop as server-sent events", async () => {
    const id = await newSession();
    const sub = await subscribe(`${t.server.url}/api/sessions/${id}/events`);
    await sub.waitFor((e) => e.event === "hello");
    const g = await t.call("POST", `/api/sessions/${id}/generate`, {});
    const cands = await sub.waitFor((e) => e.event === "candidates");
    // The event carries the decision record the server holds, as GET returns it (a client applies it as is).
    const shown = await t.call("GET", `/api/sessions/${id}`);
    expect((cands.data as { decision: unknown }).decision).toEqual(shown.body.open.decision);
    const nodeId = g.body.open.candidateNodeIds[2];
    await t.call("POST", `/api/sessions/${id}/choose`, { decisionId: g.body.open.decisionId, nodeId });
    const decision = await sub.waitFor((e) => e.event === "decision");
    expect(decision.data).toMatchObject({
      type: "decision",
      decisionId: g.body.open.decisionId,
      action: "choose",
      chosenNodeId: nodeId,
      chosenBy: "human",
      decision: { id: g.body.open.decisionId, action: "choose", chosenNodeId: nodeId, chosenBy: "human" },
    });
    expect((decision.data as { decision: { resolvedAt: string | null } }).decision.resolvedAt).not.toBeNull();
    const g2 = await t.call("POST", `/api/sessions/${id}/generate`, {});
    await t.call("POST", `/api/sessions/${id}/stop`, { decisionId: g2.body.open.decisionId, reason: "done" });
    const stop = await sub.waitFor((e) => e.event === "decision" && (e.data as { action: string }).action === "stop");
    expect(stop.data).toMatchObject({ reason: "done" });
    // A reconnecting client names the last event it saw and gets what it missed.
    const again = await subscribe(`${t.server.url}/api/sessions/${id}/events`, { "last-event-id": decision.id! });
    await again.waitFor((e) => e.event === "decision" && (e.data as { action: string }).action === "stop");
    expect(again.events.some((e) => e.id === decision.id)).toBe(false);
    sub.close();
    again.close();
  });
});

describe("safe defaults", () => {
  test("the OpenAPI document is generated from the schemas", async () => {
    const res = await t.call("GET", "/api/openapi.json");
    expect(res.body.openapi).toBe("3.1.0");
    const create = res.body.paths["/api/sessions"].post;
    const schema = create.requestBody.content["application/json"].schema;
    expect(schema.required).toContain("seed");
    expect(schema.properties.generator.properties.temperature.type).toBe("number");
    expect(res.body.paths["/api/sessions/{id}/choose"].post.responses["409"]).toBeDefined();
    expect(res.body.paths["/api/sessions/{id}"].get.parameters.map((p: { name: string }) => p.name)).toEqual([
      "id",
      "limit",
      "cursor",
      "steps",
    ]);
  });

  test("no CORS headers unless configured; foreign Host headers refused on loopback", async () => {
    const res = await fetch(`${t.server.url}/api/sessions`, { headers: { origin: "https://evil.example" } });
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    // fetch will not send a forged Host header; node:http will, as a DNS-rebinding page's browser would.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: "127.0.0.1", port: t.server.port, path: "/api/sessions", headers: { host: "evil.example" } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(421);
  });

  test("the page is served with a strict content security policy", async () => {
    const res = await fetch(`${t.server.url}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<script src="/assets/app.js">');
    expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
  });

  test("a token, when set, is required on every API call (header or query)", async () => {
    const s = await startTestServer({ token: "let-me-in-please-16", corsOrigins: ["http://app.example"] });
    try {
      const denied = await s.call("GET", "/api/sessions");
      expect(denied.status).toBe(401);
      expect(denied.body.error.message).toMatch(/Bearer/);
      expect((await s.call("GET", "/api/sessions", undefined, { authorization: "Bearer wrong-token" })).status).toBe(
        401,
      );
      expect(
        (await s.call("GET", "/api/sessions", undefined, { authorization: "Bearer let-me-in-please-16" })).status,
      ).toBe(200);
      expect((await s.call("GET", "/api/sessions?token=let-me-in-please-16")).status).toBe(200);
      const cors = await fetch(`${s.server.url}/api/sessions?token=let-me-in-please-16`, {
        headers: { origin: "http://app.example" },
      });
      expect(cors.headers.get("access-control-allow-origin")).toBe("http://app.example");
    } finally {
      await s.stop();
    }
  });

  test("binding beyond loopback generates a token when none is given", async () => {
    const lines: string[] = [];
    const s = await startTestServer({ host: "0.0.0.0", log: (m) => lines.push(m) });
    try {
      expect(s.server.token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
      expect(lines.join("\n")).toContain(s.server.token!);
      const url = `http://127.0.0.1:${s.server.port}/api/sessions`;
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: `Bearer ${s.server.token}` } })).status).toBe(200);
    } finally {
      await s.stop();
    }
  });
});
