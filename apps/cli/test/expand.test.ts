// `loom expand` through the built binary: a look-ahead on the local engine, and a paid service (OpenAI's SDK against the strict replay server) estimated, refused without --yes, priced from prices.toml.
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { findInvariantViolations, openDecisionAt } from "@loom/core";
import { readSession } from "@loom/io";
import {
  OPENAI_COMPLETIONS_RULES,
  openaiCompletionReply,
  startStrictReplayServer,
  type RecordedRequest,
  type StrictReplayServer,
} from "@loom/testkit";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { BIN, MODEL, baseEnv, ensureBuilt, loom, newSessionArgs, scratch } from "./helpers.js";

beforeAll(() => ensureBuilt(), 300_000);

test("expands the tip on the local engine: depth × width nodes, nothing chosen, the journal whole", async () => {
  const dir = scratch();
  const env = { LOOM_MODEL: MODEL };
  const session = join(dir, "s");
  expect((await loom(newSessionArgs(session), { dir, env })).code).toBe(0);
  const r = await loom(["expand", session, "--depth", "2", "--width", "2", "--json"], { dir, env });
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toMatch(/depth 2 × width 2 → 6 nodes from 3 generator calls/);
  expect(r.stderr).toMatch(/free \(runs locally\)/);
  const out = JSON.parse(r.stdout);
  expect(out.nodeIds).toHaveLength(6);
  expect(out.levels).toBe(2);
  const { loom: l } = await readSession(session);
  expect(findInvariantViolations(l)).toEqual([]);
  expect(l.currentPath).toEqual([l.rootId]);
  const children = out.nodeIds.filter((id: string) => l.nodes[id]!.parentId === l.rootId);
  expect(children).toHaveLength(2);
  for (const c of children) {
    expect(openDecisionAt(l, c)).not.toBeNull();
    expect(Object.values(l.nodes).filter((n) => n.parentId === c)).toHaveLength(2);
  }
  // Each node is a real continuation from the model, with its tokens and logprobs.
  const deep = l.nodes[out.nodeIds.at(-1)]!;
  expect(deep.text.length).toBeGreaterThan(0);
  expect(deep.stepLogprob).toBeLessThan(0);
  expect(deep.meta["lookAhead"]).toEqual({ from: l.rootId, level: 2 });

  const bad = await loom(["expand", session, "--depth", "6", "--width", "8"], { dir, env });
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/makes 299592 nodes; a look-ahead makes at most 2000/);
}, 120_000);

describe("a paid service", () => {
  let server: StrictReplayServer;
  const served: number[] = [];
  /** A completion as OpenAI's legacy endpoint returns it, counting the candidates each request asked for. */
  function complete(request: RecordedRequest) {
    served.push((request.json as { n?: number }).n ?? 1);
    return openaiCompletionReply(request, served.length);
  }
  beforeAll(async () => {
    server = await startStrictReplayServer(OPENAI_COMPLETIONS_RULES);
    server.setFallback(complete);
  });
  afterAll(() => server?.close());

  test("estimates from prices.toml, refuses without --yes (no request sent), then generates with --yes", async () => {
    const dir = scratch();
    const config = join(dir, "config");
    mkdirSync(config);
    writeFileSync(join(config, "prices.toml"), '["openai:davinci-002"]\ninputPerMTok = 2\noutputPerMTok = 4\n');
    const env = { LOOM_CUSTOM_API_KEY: "sk-test-expand", LOOM_CONFIG_DIR: config };
    const session = join(dir, "paid");
    const made = await loom(
      [
        ...["new", "--seed", "Once upon a time", "--dir", session, "--generator", "openai", "--model", "davinci-002"],
        ...["--base-url", server.url, "--segment-tokens", "2", "--branching", "2", "--sample-seed", "3"],
      ],
      { dir, env },
    );
    expect(made.code, made.stderr).toBe(0);

    const estimate = await loom(["expand", session, "--depth", "2", "--width", "3", "--estimate", "--json"], {
      dir,
      env,
    });
    expect(estimate.code, estimate.stderr).toBe(0);
    const e = JSON.parse(estimate.stdout).estimate;
    // OpenAI takes n in one request: 1 call at the root, 3 at level 1.
    expect(e).toMatchObject({ nodes: 12, calls: 4, requests: 4, paid: true, unpriced: [] });
    expect(e.outputTokens).toBe(12 * 2);
    expect(e.costUsd).toBeCloseTo((e.inputTokens * 2 + e.outputTokens * 4) / 1e6, 12);

    const refused = await loom(["expand", session, "--depth", "2", "--width", "3"], { dir, env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/estimated cost: \$0\.0001/);
    expect(refused.stderr).toMatch(/calls a paid service \(openai:davinci-002\); nothing was generated/);
    expect(refused.stderr).toMatch(/--yes/);
    expect(server.requests).toHaveLength(0);

    const r = await loom(["expand", session, "--depth", "2", "--width", "3", "--yes", "--json"], { dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(server.requests).toHaveLength(4);
    expect(served).toEqual([3, 3, 3, 3]);
    const out = JSON.parse(r.stdout);
    expect(out.nodeIds).toHaveLength(12);
    // The usage recorded and priced as the estimate was: 4 requests of 9 tokens in, 6 out.
    expect(out.usage.generator[0]).toMatchObject({ provider: "openai", model: "davinci-002", requests: 4 });
    expect(out.usage.costUsd).toBeCloseTo((4 * 9 * 2 + 4 * 6 * 4) / 1e6, 12);
    const { loom: l } = await readSession(session);
    expect(findInvariantViolations(l)).toEqual([]);
    expect(l.nodes[out.nodeIds[0]]!.meta["model"]).toBe("davinci-002");
  }, 120_000);

  test("loom serve --alongside offers the service beside the local engine: new sessions call it through the server's endpoint and key", async () => {
    const dir = scratch();
    const child = spawn(
      process.execPath,
      [
        ...[BIN, "serve", "--port", "0", "--json", "--dir", join(dir, "sessions"), "--model", MODEL],
        ...["--alongside", "openai:davinci-002", "--alongside-base-url", server.url, "--alongside-branching", "3"],
      ],
      { env: { ...baseEnv(dir), LOOM_CUSTOM_API_KEY: "sk-test-serve" } },
    );
    try {
      let out = "";
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /"url":\s*"([^"]+)"/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.on("close", (code) => reject(new Error(`loom serve exited ${code}`)));
      });
      const call = async (method: string, path: string, body?: unknown) => {
        const r = await fetch(`${url}${path}`, {
          method,
          headers: { "content-type": "application/json" },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        return (await r.json()) as Record<string, any>;
      };
      expect((await call("GET", "/api/options")).alongside).toEqual([
        { provider: "openai", model: "davinci-002", branchingFactor: 3 },
      ]);
      const before = server.requests.length;
      const { id } = await call("POST", "/api/sessions", {
        seed: "Once upon a time",
        generator: { branchingFactor: 2 },
      });
      await call("POST", `/api/sessions/${id}/generate`, {});
      const page = await call("GET", `/api/sessions/${id}?limit=1`);
      const models = page.open.candidates.map((c: { model: string }) => c.model);
      expect(models.filter((m: string) => m === "openai:davinci-002")).toHaveLength(3);
      expect(models.filter((m: string) => m === "local:stories260K.gguf")).toHaveLength(2);
      expect(server.requests.length - before).toBe(1);
    } finally {
      if (child.exitCode === null) {
        const closed = new Promise((r) => child.once("close", r));
        child.kill("SIGINT");
        await closed;
      }
    }
  }, 120_000);

  test("several generators in one step: --alongside adds the service's candidates beside the local engine's, each node naming its model", async () => {
    const dir = scratch();
    const env = { LOOM_MODEL: MODEL, LOOM_CUSTOM_API_KEY: "sk-test-alongside" };
    const session = join(dir, "two");
    const before = server.requests.length;
    const made = await loom(
      newSessionArgs(
        session,
        { branching: 3 },
        "--alongside",
        "openai:davinci-002",
        "--alongside-base-url",
        server.url,
      ),
      { dir, env },
    );
    expect(made.code, made.stderr).toBe(0);
    const run = await loom(["run", session, "--selector", "auto", "--max-steps", "2", "--json"], { dir, env });
    expect(run.code, run.stderr).toBe(0);
    expect(server.requests.length - before).toBe(2);
    const { loom: l } = await readSession(session);
    const decisions = Object.values(l.decisions);
    expect(decisions).toHaveLength(2);
    for (const d of decisions) {
      const models = d.candidateNodeIds.map((id) => `${l.nodes[id]!.meta["provider"]}:${l.nodes[id]!.meta["model"]}`);
      expect(models.filter((m) => m === "openai:davinci-002")).toHaveLength(2);
      expect(models.filter((m) => m.startsWith("local:") && m.endsWith("stories260K.gguf"))).toHaveLength(3);
    }
    // The session's prompt reached the service (the seed, then the chosen text).
    const prompts = server.requests.slice(before).map((q) => (q.json as { prompt: string }).prompt);
    expect(prompts[0]).toBe("Once upon a time");
    expect(prompts[1]!.startsWith("Once upon a time")).toBe(true);

    const refused = await loom(["new", "--seed", "x", "--dir", join(dir, "bad"), "--alongside", "nope:m"], {
      dir,
      env,
    });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--alongside: unknown provider "nope"/);
  }, 120_000);
});
