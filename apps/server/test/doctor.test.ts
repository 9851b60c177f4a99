// GET /api/doctor through HTTP: the server's own generator and selector probed against strict replay servers, keys never in the answer.
import { readFileSync } from "node:fs";
import { ANTHROPIC_RULES, startStrictReplayServer, type StrictReplayServer } from "@loom/testkit";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startTestServer, type TestServer } from "./helpers.js";

const fixture = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`../../../packages/generators/src/__fixtures__/${name}`, import.meta.url), "utf8"),
  ) as unknown;
const SECRET = "sk-ant-api03-doctor-secret-0123456789";
let anthropic: StrictReplayServer;
let t: TestServer;

beforeAll(async () => {
  anthropic = await startStrictReplayServer(ANTHROPIC_RULES);
  t = await startTestServer({
    defaultConfig: {
      generator: { provider: "anthropic-cli-sim", model: "claude-sonnet-5-5", baseUrl: anthropic.url },
      selector: { mode: "stateless", model: "claude-sonnet-5-5", baseUrl: anthropic.url },
    },
    backendOptions: { secrets: { LOOM_CUSTOM_API_KEY: SECRET } },
  });
});
afterAll(async () => {
  await t.stop();
  await anthropic.close();
});

test("the doctor probes the server's generator and selector once each and says what Loom gets", async () => {
  anthropic.enqueue({ body: fixture("anthropic-message.json") });
  anthropic.enqueue({
    status: 401,
    body: { type: "error", error: { type: "authentication_error", message: `invalid x-api-key ${SECRET}` } },
  });
  const res = await t.call("GET", "/api/doctor");
  expect(res.status).toBe(200);
  expect(res.body.generator).toMatchObject({
    ok: true,
    provider: "anthropic-cli-sim",
    nativeN: false,
    logprobs: null,
    stop: { sent: [], clientSide: ["\n\n"] },
  });
  expect(res.body.generator.facts.join("\n")).toContain("prefill: refused");
  expect(res.body.selector).toMatchObject({ ok: false, reachable: true, auth: false });
  expect(res.body.ok).toBe(false);
  expect(JSON.stringify(res.body)).not.toContain(SECRET);
  expect(anthropic.requests).toHaveLength(2);
});
