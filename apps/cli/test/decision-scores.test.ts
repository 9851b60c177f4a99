// Rankings and scores a stateless selector returns, shown by `loom decisions --scores` and `loom export -f md --decisions` (the built binary; the selector's LLM on the strict Anthropic replay server, the local model generating).
import { join } from "node:path";
import { ANTHROPIC_RULES, startStrictReplayServer, type RecordedRequest, type StrictReplayServer } from "@loom/testkit";
import { afterAll, beforeAll, expect, test } from "vitest";
import { MODEL, ensureBuilt, loom, scratch } from "./helpers.js";

let server: StrictReplayServer;
let dir: string;
let session: string;
const env = { LOOM_MODEL: MODEL, LOOM_CUSTOM_API_KEY: "sk-test-scores" };

/**
 * The selector's answer to any decision: the candidates it was shown, ranked last-offered first, each scored on
 * two of the design's criteria, the best chosen (a record_decision tool call, as the API documents tool use).
 */
function decide(request: RecordedRequest) {
  const user = (request.json as { messages: { content: string }[] }).messages[0]!.content;
  const ids = [...user.matchAll(/^\[(n_[0-9a-f]+)\]/gm)].map((m) => m[1]!);
  const ranking = [...ids].reverse();
  const scores = Object.fromEntries(ranking.map((id, i) => [id, { image_density: 9 - i, syntactic_pull: 5 + i }]));
  return {
    body: {
      id: `msg_01Scores${server.requests.length}`,
      type: "message",
      role: "assistant",
      model: "claude-sonnet-5-5",
      content: [
        {
          type: "tool_use",
          id: `toolu_01Scores${server.requests.length}`,
          name: "record_decision",
          input: { decision: { action: "choose", choice: ranking[0], ranking, scores, reason: "the densest image" } },
        },
      ],
      stop_reason: "tool_use",
      stop_sequence: null,
      usage: { input_tokens: 700, output_tokens: 80, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    },
  };
}

beforeAll(async () => {
  ensureBuilt();
  dir = scratch();
  server = await startStrictReplayServer(ANTHROPIC_RULES);
  server.setFallback(decide);
  session = join(dir, "scored");
  const made = await loom(
    [
      ...["new", "--seed", "Once upon a time", "--dir", session, "--branching", "3", "--segment-tokens", "4"],
      ...["--sample-seed", "7", "--selector", "stateless", "--selector-model", "claude-sonnet-5-5"],
      ...["--selector-base-url", server.url],
    ],
    { dir, env },
  );
  expect(made.code, made.stderr).toBe(0);
  const run = await loom(["run", session, "--max-steps", "2"], { dir, env });
  expect(run.code, run.stderr).toBe(0);
  expect(server.requests).toHaveLength(2);
}, 120_000);
afterAll(() => server?.close());

test("decisions --scores lists each candidate's rank, logprob and scores, best first, the chosen one marked", async () => {
  const plain = await loom(["decisions", session], { dir, env });
  expect(plain.stdout).not.toContain("image_density");
  const r = await loom(["decisions", session, "--scores"], { dir, env });
  expect(r.code, r.stderr).toBe(0);
  const heads = r.stdout.split("\n").filter((l) => l.includes("rank") && l.includes("image_density"));
  expect(heads).toHaveLength(2);
  expect(heads[0]).toMatch(/rank\s+logprob\s+image_density\s+syntactic_pull\s+candidate/);
  const rows = r.stdout.split("\n").filter((l) => /^\s+[1-3]\s+-?\d/.test(l));
  expect(rows).toHaveLength(6);
  expect(rows[0]).toMatch(/^\s+1\s+-?\d+\.\d\d\s+9\s+5\s+".*" ← chosen$/);
  expect(rows[2]).toMatch(/^\s+3\s+-?\d+\.\d\d\s+7\s+7\s+"/);

  const json = JSON.parse((await loom(["decisions", session, "--scores", "--json"], { dir, env })).stdout);
  const first = json.decisions[0];
  expect(first.ranking).toHaveLength(3);
  expect(first.candidates.map((c: { nodeId: string }) => c.nodeId)).toEqual(first.ranking);
  expect(first.candidates[0]).toMatchObject({
    rank: 1,
    chosen: true,
    scores: { image_density: 9, syntactic_pull: 5 },
  });
  expect(first.candidates[0].nodeId).toBe(first.chosenNodeId);
});

test("export -f md --decisions has a table per step with the ranking and scores", async () => {
  const r = await loom(["export", session, "-f", "md", "--decisions"], { dir, env });
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toContain("## Decisions");
  expect(r.stdout).toContain("### Step 1: choose (selector_llm)");
  expect(r.stdout).toContain("Why: the densest image");
  expect(r.stdout).toContain("| rank | candidate | logprob | image_density | syntactic_pull | outcome |");
  expect(r.stdout).toMatch(/\| 1 \| ".*" \| -?\d+\.\d\d \| 9 \| 5 \| chosen \|/);
  expect(r.stdout).toMatch(/\| 3 \| ".*" \| -?\d+\.\d\d \| 7 \| 7 \| – \|/);
  const without = await loom(["export", session, "-f", "md"], { dir, env });
  expect(without.stdout).not.toContain("## Decisions");
});
