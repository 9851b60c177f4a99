// The agent's update_brief asks the person at the terminal (y/n) before anything changes: the built binary in tmux, the agent's LLM on the strict Anthropic replay server, the local model generating.
import { join } from "node:path";
import { readSession } from "@loom/io";
import {
  ANTHROPIC_RULES,
  anthropicToolReply,
  lastToolResult,
  startStrictReplayServer,
  type StrictReplayServer,
} from "@loom/testkit";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MODEL, ensureBuilt, loom, scratch, newSessionArgs } from "./helpers.js";
import { Tmux } from "./tmux.js";

const tmux = new Tmux();
let dir: string;
let server: StrictReplayServer;
let attempts = 0;

beforeAll(() => {
  ensureBuilt();
  dir = scratch();
});
afterAll(() => tmux.kill());
beforeEach(async () => {
  server = await startStrictReplayServer(ANTHROPIC_RULES);
});
afterEach(() => server.close());

const proposal = { changes: { sectionIntent: "The girl finds the sea." }, reason: "the story turned toward the sea" };

async function agenticSession(): Promise<{ session: string; env: Record<string, string> }> {
  const session = join(dir, `agent-${++attempts}`);
  const env = { LOOM_MODEL: MODEL, LOOM_CUSTOM_API_KEY: "sk-test-approval" };
  const r = await loom(
    newSessionArgs(
      session,
      {},
      "--selector",
      "agentic",
      "--selector-model",
      "claude-sonnet-5-5",
      "--selector-base-url",
      server.url,
    ),
    { dir, env },
  );
  expect(r.code, r.stderr).toBe(0);
  server.enqueue(
    { body: anthropicToolReply(1, "generate_candidates", {}) },
    { body: anthropicToolReply(2, "update_brief", proposal) },
    { body: anthropicToolReply(3, "stop_generation", { reason: "the sea is enough" }) },
  );
  return { session, env };
}

const asking = (s: string) => s.includes("Apply this change to the brief? (y/n)");

describe("update_brief from a run started at the terminal", () => {
  it("shows the change and applies it on y: brief version 2, the stop records it", async () => {
    const { session, env } = await agenticSession();
    const w = tmux.start(`loom run ${session}`, env, dir);
    const screen = await tmux.waitFor(w, asking, "the approval question", 90_000);
    expect(screen).toContain("the story turned toward the sea");
    expect(screen).toContain("sectionIntent");
    expect(screen).toContain("“The girl finds the sea.”");
    tmux.keys(w, "y");
    const { code } = await tmux.exit(w, 60_000);
    expect(code).toBe(0);
    expect(lastToolResult(server.requests[2]!)).toMatchObject({
      approved: true,
      briefVersion: 2,
      changed: ["sectionIntent"],
    });
    const { loom: saved } = await readSession(session);
    expect(saved.briefVersion).toBe(2);
    expect(saved.brief.sectionIntent).toBe("The girl finds the sea.");
    const stop = Object.values(saved.decisions).find((d) => d.action === "stop");
    expect(stop?.briefVersion).toBe(2);
  });

  it("on n the brief stays, and the reason typed is told to the agent", async () => {
    const { session, env } = await agenticSession();
    const w = tmux.start(`loom run ${session}`, env, dir);
    await tmux.waitFor(w, asking, "the approval question", 90_000);
    tmux.keys(w, "n");
    await tmux.waitFor(w, (s) => s.includes("why not?"), "the question why");
    tmux.type(w, "keep it on land");
    tmux.keys(w, "Enter");
    const { code } = await tmux.exit(w, 60_000);
    expect(code).toBe(0);
    expect(lastToolResult(server.requests[2]!)).toEqual({ approved: false, briefVersion: 1, note: "keep it on land" });
    const { loom: saved } = await readSession(session);
    expect(saved.briefVersion).toBe(1);
    expect(saved.brief.sectionIntent).toBe("");
  });
});
