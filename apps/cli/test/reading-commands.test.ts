// Every reading command on a session with choices, a divergence, a rejected branch and a clarification: text output and --json.
import { join } from "node:path";
import {
  addCandidates,
  addHumanNode,
  answerClarification,
  checkout,
  choose,
  createLoom,
  resolveDecision,
  sequentialEnv,
  type Loom,
} from "@loom/core";
import { createSession } from "@loom/io";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, loom, scratch } from "./helpers.js";

let dir: string;
let session: string;
let built: Loom;

const tokens = (lps: number[]) => lps.map((logprob, i) => ({ text: `t${i}`, logprob }));

beforeAll(async () => {
  ensureBuilt();
  dir = scratch();
  session = join(dir, "story");
  const env = sequentialEnv();
  const l = createLoom({ seed: "Once upon a time", sessionId: "s_reading" }, env);
  // Step 1: the model's favourite is chosen.
  const a = addCandidates(
    l,
    l.rootId,
    [
      { text: " there was", tokens: tokens([-0.5, -0.5]) },
      { text: " a cat", tokens: tokens([-2, -2]) },
    ],
    { env },
  );
  choose(l, a.decisionId, a.nodeIds[0]!, "auto", "highest logprob", env);
  // Step 2: a divergence (gap -3).
  const b = addCandidates(
    l,
    a.nodeIds[0]!,
    [
      { text: " a girl", tokens: tokens([-0.5, -0.5]) },
      { text: " a spider", tokens: tokens([-2, -2]) },
    ],
    { env },
  );
  choose(l, b.decisionId, b.nodeIds[1]!, "selector_llm", "stranger, truer", env);
  // Step 3: a clarification, answered.
  const c = addCandidates(
    l,
    b.nodeIds[1]!,
    [
      { text: " who spun", tokens: tokens([-1]) },
      { text: " who sang", tokens: tokens([-1.2]) },
    ],
    { env },
  );
  resolveDecision(
    l,
    c.decisionId,
    {
      action: "clarify",
      chosenBy: "selector_llm",
      question: "Should the spider make things or perform?",
      candidatesInTension: c.nodeIds,
      whatHingesOnIt: "the image system of the piece",
    },
    env,
  );
  answerClarification(
    l,
    c.decisionId,
    "make things",
    { action: "choose", chosenNodeId: c.nodeIds[0]!, chosenBy: "human", reason: "the answer" },
    env,
  );
  // A human-written node, then back to the branch point, so the tree has an off-path branch.
  const h = addHumanNode(l, c.nodeIds[0]!, " webs of light.", env);
  checkout(l, h.nodeId);
  built = l;
  const s = await createSession(session, l);
  await s.close();
});

async function json(args: string[]): Promise<Record<string, unknown>> {
  const r = await loom([...args, "--json"], { dir });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe("reading commands", () => {
  it("show prints the current path's text exactly", async () => {
    const r = await loom(["show", session], { dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("Once upon a time there was a spider who spun webs of light.\n");
    const j = await json(["show", session]);
    expect(j.text).toBe("Once upon a time there was a spider who spun webs of light.");
    expect(j.path).toEqual(built.currentPath);
  });

  it("show --node prints another branch", async () => {
    const rejected = Object.values(built.nodes).find((n) => n.text === " a cat")!;
    const r = await loom(["show", session, "--node", rejected.id], { dir });
    expect(r.stdout.trim()).toBe("Once upon a time a cat");
  });

  it("tree marks the current path and shows rejected branches; --depth folds", async () => {
    const r = await loom(["tree", session], { dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("▶");
    expect(r.stdout).toContain("○ ");
    expect(r.stdout).toContain('" a cat"');
    expect(r.stdout).toContain('" webs of light."');
    const folded = await loom(["tree", session, "--subtree", "0", "--depth", "1"], { dir });
    expect(folded.stdout).toMatch(/\+\d+ below/);
    expect(folded.stdout).not.toContain("webs of light");
    const j = (await json(["tree", session])) as { nodes: { id: string; parentId: string | null }[] };
    expect(j.nodes.filter((n) => n.parentId === built.rootId)).toHaveLength(2);
  });

  it("decisions --last N", async () => {
    const j = (await json(["decisions", session, "--last", "2"])) as { decisions: { action: string }[] };
    expect(j.decisions).toHaveLength(2);
    const r = await loom(["decisions", session], { dir });
    expect(r.stdout).toContain("stranger, truer");
  });

  it("rejected at a node, by position on the path", async () => {
    const j = (await json(["rejected", "0", session])) as { rejected: { text: string }[] };
    expect(j.rejected.map((n) => n.text)).toEqual([" a cat"]);
    const r = await loom(["rejected", "1", session], { dir });
    expect(r.stdout).toContain(" a girl");
  });

  it("divergences --threshold", async () => {
    const j = (await json(["divergences", session, "--threshold", "-2"])) as { decisions: { logprobGap: number }[] };
    expect(j.decisions).toHaveLength(1);
    expect(j.decisions[0]!.logprobGap).toBeCloseTo(-3);
    const none = (await json(["divergences", session, "--threshold", "-5"])) as { decisions: unknown[] };
    expect(none.decisions).toHaveLength(0);
  });

  it("clarifications show the question and the answer", async () => {
    const r = await loom(["clarifications", session], { dir });
    expect(r.stdout).toContain("Should the spider make things or perform?");
    expect(r.stdout).toContain("make things");
    const j = (await json(["clarifications", session])) as { clarifications: { humanResponse: string }[] };
    expect(j.clarifications[0]!.humanResponse).toBe("make things");
  });

  it("stats counts nodes, decisions and the mean gap", async () => {
    const j = await json(["stats", session]);
    expect(j.nodes).toBe(Object.keys(built.nodes).length);
    expect(j.decisions).toBe(Object.keys(built.decisions).length);
    expect(typeof j.meanLogprobGap).toBe("number");
    expect(j.generatedTokens).toBe(10);
    // As the token budget counts them: the human's " webs of light." has no tokens and counts by length (4).
    expect(j.currentPathTokens).toBe(2 + 2 + 1 + 4);
  });

  it("the session is found without an argument via LOOM_SESSION", async () => {
    const r = await loom(["show"], { dir, env: { LOOM_SESSION: session } });
    expect(r.stdout).toContain("webs of light");
  });

  it("NO_COLOR output has no escape codes; FORCE_COLOR has them", async () => {
    const plain = await loom(["tree", session], { dir });
    expect(plain.stdout).not.toContain("\u001B[");
    const colored = await loom(["tree", session], { dir, env: { NO_COLOR: undefined, FORCE_COLOR: "1" } });
    expect(colored.stdout).toContain("\u001B[");
  });
});
