// The token level through the binary on the local engine: `loom tokens`, `loom branch --at --alt/--text`, `loom show --tokens`, token divergences.
import { join } from "node:path";
import { readSession } from "@loom/io";
import { beforeAll, describe, expect, it } from "vitest";
import { MODEL, ensureBuilt, loom, newSessionArgs, scratch } from "./helpers.js";

let dir: string;
let session: string;
const env = () => ({ LOOM_MODEL: MODEL });
const run = (args: string[], extra: Record<string, string> = {}) => loom(args, { dir, env: { ...env(), ...extra } });

interface ListedToken {
  text: string;
  id?: number;
  logprob?: number;
  top?: { text: string; logprob: number; id?: number }[];
}

beforeAll(async () => {
  ensureBuilt();
  dir = scratch();
  session = join(dir, "story");
  const made = await run(newSessionArgs(session));
  if (made.code !== 0) throw new Error(made.stderr);
  const ran = await run(["run", session, "--selector", "auto", "--max-steps", "2"]);
  if (ran.code !== 0) throw new Error(ran.stderr);
});

describe("branching from a token in the terminal", () => {
  it("lists the tip's tokens, branches at one to an alternative, and a run continues from the branch's ids", async () => {
    const listed = await run(["tokens", session, "-1", "--json"]);
    expect(listed.code, listed.stderr).toBe(0);
    const { nodeId, tokens } = JSON.parse(listed.stdout) as { nodeId: string; tokens: ListedToken[] };
    expect(tokens.length).toBeGreaterThan(1);
    const k = 1;
    const j = tokens[k]!.top!.findIndex((a, i) => i > 0 && a.text !== tokens[k]!.text);
    expect(j).toBeGreaterThan(0);

    const plain = await run(["tokens", nodeId, session]);
    expect(plain.stdout).toContain(`node ${nodeId}: ${tokens.length} tokens`);
    expect(plain.stdout).toContain(JSON.stringify(tokens[k]!.top![j]!.text));

    const branched = await run(["branch", session, nodeId, "--at", String(k), "--alt", String(j), "--json"]);
    expect(branched.code, branched.stderr).toBe(0);
    const { tip } = JSON.parse(branched.stdout) as { tip: string };
    const loom1 = (await readSession(session)).loom;
    const made = loom1.nodes[tip]!;
    expect(made.parentId).toBe(loom1.nodes[nodeId]!.parentId);
    const got = made.tokens!.toArray();
    expect(got.slice(0, k)).toEqual(tokens.slice(0, k));
    expect(got[k]).toMatchObject({ text: tokens[k]!.top![j]!.text, id: tokens[k]!.top![j]!.id });
    expect(loom1.decisions[made.decisionId!]).toMatchObject({ action: "choose", chosenBy: "human" });

    const next = await run(["run", session, "--selector", "auto", "--max-steps", "1"]);
    expect(next.code, next.stderr).toBe(0);
    const loom2 = (await readSession(session)).loom;
    const continued = Object.values(loom2.nodes).filter((n) => n.parentId === tip);
    expect(continued.length).toBeGreaterThan(0);
    // From the ids of the first step (the branch's parent) and of the branch's k + 1 tokens.
    const before = loom2.nodes[made.parentId!]!.tokens!.length;
    for (const n of continued) expect(n.meta).toMatchObject({ continuedFromTokenIds: before + k + 1 });

    // NO_COLOR: every token bracketed with its logprob; the branch's token is marked as not the favourite.
    const shown = await run(["show", session, "--tokens"]);
    expect(shown.code, shown.stderr).toBe(0);
    const alt = tokens[k]!.top![j]!;
    expect(shown.stdout).toContain(`[${alt.text}|${alt.logprob.toFixed(2)}*]`);
    expect(shown.stdout.startsWith("Once upon a time[")).toBe(true);
    const coloured = await run(["show", session, "--tokens"], { FORCE_COLOR: "1", NO_COLOR: "" });
    expect(coloured.stdout).toContain("\u001B[7m"); // inverse: left the favourite

    const divergences = await run(["tokens", session, "--divergences", "--below", "1", "--json"]);
    expect(divergences.code, divergences.stderr).toBe(0);
    const rows = (JSON.parse(divergences.stdout) as { divergences: { nodeId: string; tokenIndex: number }[] })
      .divergences;
    expect(rows).toContainEqual(expect.objectContaining({ nodeId: tip, tokenIndex: k }));
  });

  it("takes typed text at a token, and refuses what does not fit with the flag or the reason", async () => {
    const typed = await run(["branch", "-1", session, "--at", "0", "--text", " Suddenly", "--json"]);
    expect(typed.code, typed.stderr).toBe(0);
    const { tip } = JSON.parse(typed.stdout) as { tip: string };
    expect((await readSession(session)).loom.nodes[tip]!.text).toBe(" Suddenly");

    const far = await run(["branch", session, "1", "--at", "99", "--alt", "1"]);
    expect(far.code).not.toBe(0);
    expect(far.stderr).toMatch(/token 99 is outside node/);
    const both = await run(["branch", session, "1", "--at", "0", "--alt", "1", "--text", "x"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("give one of --alt J or --text T");
    const seed = await run(["tokens", session, "0"]);
    expect(seed.stdout).toContain("has no tokens");
  });
});
