// The server's own choices stay its own: no cross-site or non-JSON writes, no client-chosen base URL or model path, no key or path in what leaves it.
import { existsSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { startReplayServer, type ReplayServer } from "@loom/testkit";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTestServer, type TestServer } from "./helpers.js";

const MODEL = resolve(dirname(fileURLToPath(import.meta.url)), "../../../../shared/models/stories260K.gguf");
const SECRET = "sk-ant-api03-server-only-secret-0123456789";
let t: TestServer;
let provider: ReplayServer;

beforeAll(async () => {
  provider = await startReplayServer();
  t = await startTestServer({
    backendOptions: { secrets: { ANTHROPIC_API_KEY: SECRET, LOOM_CUSTOM_API_KEY: SECRET } },
    allow: { modelFiles: [MODEL] },
  });
});
afterAll(async () => {
  await t.stop();
  await provider.close();
});

const sessionsOnDisk = () => readdirSync(t.dir);

describe("writes the server accepts", () => {
  test("a cross-site POST is refused and creates nothing", async () => {
    const res = await fetch(`${t.server.url}/api/sessions`, {
      method: "POST",
      headers: { origin: "http://127.0.0.1:6666", "content-type": "text/plain" },
      body: JSON.stringify({ seed: "pwned", sessionId: "cross-site" }),
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("cross_origin");
    // Even with a JSON content type, a foreign origin is refused.
    const json = await fetch(`${t.server.url}/api/sessions`, {
      method: "POST",
      headers: { origin: "http://evil.example", "content-type": "application/json" },
      body: JSON.stringify({ seed: "x", sessionId: "cross-site-2" }),
    });
    expect(json.status).toBe(403);
    expect(sessionsOnDisk()).toEqual([]);
  });

  test("a POST without a JSON content type is refused and creates nothing", async () => {
    const res = await fetch(`${t.server.url}/api/sessions`, {
      method: "POST",
      body: JSON.stringify({ seed: "x", sessionId: "untyped" }),
    });
    expect(res.status).toBe(415);
    expect(sessionsOnDisk()).toEqual([]);
  });

  test("the page's own origin may write", async () => {
    const res = await fetch(`${t.server.url}/api/sessions`, {
      method: "POST",
      headers: { origin: t.server.url, "content-type": "application/json" },
      body: JSON.stringify({ seed: "Own page", sessionId: "own-origin", generator: { provider: "scripted" } }),
    });
    expect(res.status).toBe(201);
    expect(sessionsOnDisk()).toContain("own-origin");
  });
});

describe("what a client may choose", () => {
  test("a client-chosen selector base URL is refused before anything is built or written, and the key goes nowhere", async () => {
    const res = await t.call("POST", "/api/sessions", {
      seed: "x",
      sessionId: "steal-key",
      generator: { provider: "scripted" },
      selector: { mode: "stateless", model: "claude-sonnet-5-5", baseUrl: provider.url },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe("selector.baseUrl");
    expect(existsSync(join(t.dir, "steal-key"))).toBe(false);
    expect(provider.requests).toHaveLength(0);
  });

  test("a client-chosen generator base URL is refused", async () => {
    const res = await t.call("POST", "/api/sessions", {
      seed: "x",
      sessionId: "gen-url",
      generator: { provider: "anthropic-cli-sim", baseUrl: provider.url },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe("generator.baseUrl");
    expect(existsSync(join(t.dir, "gen-url"))).toBe(false);
  });

  test("a client-chosen model path is refused without revealing the server's paths; the server's file is chosen by name", async () => {
    const res = await t.call("POST", "/api/sessions", {
      seed: "x",
      sessionId: "model-path",
      generator: { provider: "local", model: "/etc/passwd" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe("generator.model");
    expect(res.body.error.message).toContain("stories260K.gguf");
    expect(res.body.error.message).not.toContain(dirname(MODEL));
    expect(existsSync(join(t.dir, "model-path"))).toBe(false);
  });

  test("a provider outside the allow-list is refused", async () => {
    const s = await startTestServer({ allow: { generatorProviders: ["local", "scripted"] } });
    try {
      const res = await s.call("POST", "/api/sessions", {
        seed: "x",
        sessionId: "other",
        generator: { provider: "openai" },
      });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ field: "generator.provider" });
      expect(res.body.error.message).toContain("local, scripted");
    } finally {
      await s.stop();
    }
  });

  test("a configured model file that is missing is refused at creation, named without its directory", async () => {
    const s = await startTestServer({
      allow: { modelFiles: ["/srv/models/gone.gguf"] },
      backendOptions: { secrets: {} },
    });
    try {
      const res = await s.call("POST", "/api/sessions", {
        seed: "x",
        sessionId: "gone",
        generator: { provider: "local", model: "gone.gguf" },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain("gone.gguf is missing or unreadable");
      expect(res.body.error.message).not.toContain("/srv/models");
      expect(readdirSync(s.dir)).toEqual([]);
    } finally {
      await s.stop();
    }
  });
});

describe("what leaves the server", () => {
  test("a provider error that quotes the key reaches the client scrubbed", async () => {
    provider.setFallback({
      status: 401,
      body: { type: "error", error: { type: "authentication_error", message: `invalid x-api-key: ${SECRET}` } },
    });
    const s = await startTestServer({
      defaultConfig: { generator: { provider: "anthropic-cli-sim", baseUrl: provider.url } },
      backendOptions: { secrets: { LOOM_CUSTOM_API_KEY: SECRET } },
    });
    try {
      const created = await s.call("POST", "/api/sessions", { seed: "Once", sessionId: "leaky" });
      expect(created.status).toBe(201);
      const gen = await s.call("POST", "/api/sessions/leaky/generate", {});
      expect(gen.status, JSON.stringify(gen.body)).toBeGreaterThanOrEqual(400);
      expect(JSON.stringify(gen.body)).not.toContain(SECRET);
      expect(gen.body.error).toMatchObject({ code: "provider_error" });
      expect(gen.body.error.message).toContain("[redacted]");
      // The custom base URL (the server's own configuration) was sent the custom key, and the 401 says which variable that is.
      expect(gen.body.error.message).toContain("LOOM_CUSTOM_API_KEY");
      expect(provider.requests.at(-1)!.headers.authorization).toBe(`Bearer ${SECRET}`);
    } finally {
      await s.stop();
    }
  });
});
