// `loom doctor` through the built binary against a strict llama.cpp replay server: the report, --json, and the exit status.
import { readFileSync } from "node:fs";
import { LLAMACPP_RULES, startStrictReplayServer } from "@loom/testkit";
import { beforeAll, expect, test } from "vitest";
import { ensureBuilt, loom, scratch } from "./helpers.js";

const llamacpp = JSON.parse(
  readFileSync(
    new URL("../../../packages/generators/src/__fixtures__/llamacpp-completion.json", import.meta.url),
    "utf8",
  ),
) as unknown;

beforeAll(() => ensureBuilt());

test("doctor reports a llama.cpp server's layout, n and stops, as text and as JSON", async () => {
  const server = await startStrictReplayServer(LLAMACPP_RULES);
  const dir = scratch();
  try {
    server.setFallback({ body: llamacpp });
    const args = ["doctor", "--generator", "llamacpp", "--base-url", `${server.url}/v1`, "--model", "stories15M"];
    const text = await loom(args, { dir });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/generator: ok/);
    expect(text.stdout).toMatch(/logprobs\s+content layout, 3 alternatives seen, up to 5 asked/);
    expect(text.stdout).toMatch(/n\s+one request per candidate/);
    const json = await loom([...args, "--json"], { dir });
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({
      ok: true,
      generator: { logprobs: { layout: "content" }, cost: { requests: 1 } },
      selector: { ok: true },
    });
    expect(server.requests).toHaveLength(2);
  } finally {
    await server.close();
  }
});

test("doctor exits 1 and says why when the service is unreachable", async () => {
  const r = await loom(
    ["doctor", "--generator", "vllm", "--base-url", "http://127.0.0.1:9/v1", "--model", "m", "--json"],
    { dir: scratch() },
  );
  expect(r.code).toBe(1);
  expect(JSON.parse(r.stdout.split("\n")[0]!).generator).toMatchObject({ ok: false, reachable: false });
});
