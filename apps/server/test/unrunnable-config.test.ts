// Sessions whose generator or selector cannot run on this server: refused at creation, readable when they already exist.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createLoom, sequentialEnv } from "@loom/core";
import { createSession } from "@loom/io";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startTestServer, type TestServer } from "./helpers.js";

let t: TestServer;
// A generator that can run here without a key, so the selector is what is being tested.
const LOCAL = { provider: "scripted" };

beforeAll(async () => {
  // The default backend: generators built from each session's config, with an empty environment.
  t = await startTestServer({ backendOptions: { secrets: {} } });
});
afterAll(() => t.stop());

test("creating a local-engine session without a model file is a 400 naming generator.model, and writes nothing", async () => {
  const res = await t.call("POST", "/api/sessions", {
    seed: "Once",
    sessionId: "no-model",
    generator: { provider: "local" },
  });
  expect(res.status).toBe(400);
  expect(res.body.error.field).toBe("generator.model");
  expect(res.body.error.message).toContain("LOOM_MODEL");
  expect(existsSync(join(t.dir, "no-model"))).toBe(false);
});

test("a session on disk whose generator cannot run here still opens for reading; generate says why", async () => {
  const env = sequentialEnv();
  const loom = createLoom(
    {
      seed: "Imported long ago",
      sessionId: "old",
      config: { generator: { provider: "together", model: "some/model" } },
    },
    env,
  );
  await (await createSession(join(t.dir, "old"), loom)).close();

  const page = await t.call("GET", "/api/sessions/old");
  expect(page.status).toBe(200);
  expect(page.body.text).toBe("Imported long ago");

  const gen = await t.call("POST", "/api/sessions/old/generate", {});
  expect(gen.status).toBe(400);
  expect(gen.body.error.code).toBe("generator_unavailable");
  expect(gen.body.error.message).toContain("TOGETHER_API_KEY");
  // Nothing was recorded by the failed request.
  expect((await t.call("GET", "/api/sessions/old")).body.totals.nodes).toBe(1);
});

test("an LLM selector without a model is a 400 naming selector.model", async () => {
  const res = await t.call("POST", "/api/sessions", {
    seed: "Once",
    sessionId: "no-selector-model",
    generator: LOCAL,
    selector: { mode: "stateless" },
  });
  expect(res.status).toBe(400);
  expect(res.body.error.field).toBe("selector.model");
  expect(existsSync(join(t.dir, "no-selector-model"))).toBe(false);
});

test("a session whose selector's key the server lacks still opens; run names the variable", async () => {
  const env = sequentialEnv();
  const loom = createLoom(
    {
      seed: "Written elsewhere",
      sessionId: "keyless",
      config: { generator: LOCAL, selector: { mode: "stateless", model: "claude-sonnet-5-5" } },
    },
    env,
  );
  await (await createSession(join(t.dir, "keyless"), loom)).close();
  expect((await t.call("GET", "/api/sessions/keyless")).status).toBe(200);
  const run = await t.call("POST", "/api/sessions/keyless/run", {});
  expect(run.status).toBe(409);
  expect(run.body.error.message).toContain("ANTHROPIC_API_KEY");
  // Creating such a session here is refused before anything is written.
  const created = await t.call("POST", "/api/sessions", {
    seed: "x",
    sessionId: "keyless-2",
    generator: LOCAL,
    selector: { mode: "stateless", model: "claude-sonnet-5-5" },
  });
  expect(created.status).toBe(409);
  expect(created.body.error.code).toBe("missing_api_key");
  expect(existsSync(join(t.dir, "keyless-2"))).toBe(false);
});
