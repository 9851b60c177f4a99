// The keyboard session as the user's: keys from the terminal whatever stdout is, back without paying, Ctrl-C and q, two-digit choices, written text spaced (tmux, the built binary).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readSession } from "@loom/io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MODEL, ensureBuilt, loom, scratch, newSessionArgs } from "./helpers.js";
import { Tmux, atStep, candidateRows } from "./tmux.js";

const tmux = new Tmux();
const env = { LOOM_MODEL: MODEL };
let dir: string;
let attempts = 0;

// Each call gets its own directory, so a retried test does not find its first attempt's session.
async function newSession(name: string, extra: string[] = []): Promise<string> {
  attempts += 1;
  const session = join(dir, `${name}-${attempts}`);
  const r = await loom(newSessionArgs(session, {}, ...extra), { dir, env });
  expect(r.code, r.stderr).toBe(0);
  return session;
}

const nodeCount = async (session: string) => Object.keys((await readSession(session)).loom.nodes).length;

beforeAll(() => {
  ensureBuilt();
  dir = scratch();
});
afterAll(() => tmux.kill());

describe("a human session never acts for the user", () => {
  it("with stdout piped into tee, keys still come from the terminal; q exits 0 and tee gets the text", async () => {
    const session = await newSession("piped");
    const w = tmux.start(`set -o pipefail; loom run ${session} | tee ${join(dir, "piped.txt")}`, env, dir);
    await tmux.waitFor(w, atStep(1), "the first step, drawn on the terminal");
    tmux.keys(w, "1");
    await tmux.waitFor(w, atStep(2), "step 2");
    tmux.keys(w, "q");
    const { code, screen } = await tmux.exit(w);
    expect(code).toBe(0);
    expect(screen).not.toContain("automatic");
    const saved = (await readSession(session)).loom;
    const decisions = Object.values(saved.decisions).filter((d) => d.action !== null);
    expect(decisions).toHaveLength(1);
    expect(decisions[0]!.chosenBy).toBe("human");
    expect(readFileSync(join(dir, "piped.txt"), "utf8")).toContain(saved.nodes[saved.currentPath[1]!]!.text);
  });

  it("with --json, the screen is on the terminal and stdout holds one JSON document", async () => {
    const session = await newSession("json");
    const out = join(dir, "run.json");
    const w = tmux.start(`loom run ${session} --json > ${out}`, env, dir);
    await tmux.waitFor(w, atStep(1), "the first step");
    tmux.keys(w, "2");
    await tmux.waitFor(w, atStep(2), "step 2");
    tmux.keys(w, "s");
    expect((await tmux.exit(w)).code).toBe(0);
    const result = JSON.parse(readFileSync(out, "utf8")) as { reason: string; steps: number; interactive: boolean };
    expect(result).toMatchObject({ reason: "selector", steps: 2, interactive: true });
  });

  it("with no terminal at all it refuses with exit 2 and says how to run headless; nothing is generated", async () => {
    const session = await newSession("headless");
    const r = await loom(["run", session], { dir, env, detached: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no terminal");
    expect(r.stderr).toContain("--selector auto");
    expect(r.stderr).not.toContain("    at ");
    expect(await nodeCount(session)).toBe(1);
  });
});

describe("going back", () => {
  it("b shows what was offered at the parent without generating; a number takes an alternative; r asks for a new batch", async () => {
    const session = await newSession("back");
    const w = tmux.start(`loom run ${session}`, env, dir);
    let s = await tmux.waitFor(w, atStep(1), "the first step");
    const offered = s
      .split("\n")
      .filter((l) => /^ ?\d+ {2}/.test(l))
      .map((l) => /“(.*)”/.exec(l)![1]!);
    tmux.keys(w, "1");
    await tmux.waitFor(w, atStep(2), "step 2");
    const before = await nodeCount(session); // seed + 3 + 3

    tmux.keys(w, "b");
    s = await tmux.waitFor(w, (x) => x.includes("back at step 1") && /^> *$/m.test(x), "the back screen");
    expect(candidateRows(s)).toBe(3);
    expect(s).toContain("← current path");
    for (const text of offered) expect(s).toContain(`“${text}”`);
    expect(await nodeCount(session)).toBe(before);

    // The second of the earlier candidates: one key, and the next step grows from it.
    tmux.keys(w, "2");
    s = await tmux.waitFor(w, atStep(2), "step 2 on the alternative");
    const saved = (await readSession(session)).loom;
    expect(saved.nodes[saved.currentPath[1]!]!.text).toBe(JSON.parse(`"${offered[1]}"`));

    // r on the back screen: a new, explicit batch at the seed.
    tmux.keys(w, "b");
    await tmux.waitFor(w, (x) => x.includes("back at step 1"), "the back screen again");
    const beforeBatch = await nodeCount(session);
    tmux.keys(w, "r");
    s = await tmux.waitFor(w, atStep(1), "a new batch at step 1");
    expect(candidateRows(s)).toBe(3);
    expect(await nodeCount(session)).toBe(beforeBatch + 3);
    tmux.keys(w, "q");
    expect((await tmux.exit(w)).code).toBe(0);
  });
});

describe("the token view", () => {
  it("t shows the last chosen segment's tokens; arrows pick a token and an alternative; Enter branches and the run goes on from it", async () => {
    const session = await newSession("tokens");
    // Without colour the token under the cursor is bracketed, which the captured screen shows.
    const w = tmux.start(`loom run ${session}`, { ...env, NO_COLOR: "1" }, dir);
    await tmux.waitFor(w, atStep(1), "the first step");
    tmux.keys(w, "1");
    await tmux.waitFor(w, atStep(2), "step 2");
    const before = (await readSession(session)).loom;
    const chosen = before.currentPath[1]!;
    const tokens = before.nodes[chosen]!.tokens!.toArray();
    expect(tokens.length).toBeGreaterThan(1);
    const visible = (t: string) => JSON.stringify(t).slice(1, -1);
    const prompt = (x: string) => /^> *$/m.test(x);

    tmux.keys(w, "t");
    let s = await tmux.waitFor(
      w,
      (x) => x.includes("tokens of the last chosen segment") && prompt(x),
      "the token view",
    );
    expect(s).toContain(`token 1 of ${tokens.length}`);
    expect(s).toContain(`[${visible(tokens[0]!.text)}]`);
    expect(await nodeCount(session)).toBe(Object.keys(before.nodes).length);

    // Right to token 2, then down among its alternatives past the token already there.
    const k = 1;
    const top = tokens[k]!.top!;
    tmux.keys(w, "Right");
    s = await tmux.waitFor(w, (x) => x.includes(`token ${k + 1} of ${tokens.length}`) && prompt(x), "token 2");
    expect(s).toContain(`[${visible(tokens[k]!.text)}]`);
    for (const a of top) expect(s).toContain(`“${visible(a.text)}”`);
    let j = Math.max(
      0,
      top.findIndex((a) => a.text !== tokens[k]!.text),
    );
    expect(s).toMatch(new RegExp(`^> +${j} `, "m"));
    const down = () => {
      tmux.keys(w, "Down");
      j = Math.min(top.length - 1, j + 1);
    };
    if (j + 1 < top.length) down();
    if (top[j]!.text === tokens[k]!.text) down();
    if (top[j]!.text === tokens[k]!.text)
      j = Math.max(
        0,
        top.findIndex((a) => a.text !== tokens[k]!.text),
      );
    await tmux.waitFor(w, (x) => new RegExp(`^> +${j} `, "m").test(x), `alternative ${j} under the cursor`);

    tmux.keys(w, "Enter");
    s = await tmux.waitFor(w, atStep(2), "step 2 again, from the branch");
    const after = (await readSession(session)).loom;
    const made = after.currentPath[1]!;
    expect(made).not.toBe(chosen);
    const branch = after.nodes[made]!;
    expect(branch.parentId).toBe(after.rootId);
    const got = branch.tokens!.toArray();
    expect(got.slice(0, k)).toEqual(tokens.slice(0, k));
    expect(got[k]!.text).toBe(top[j]!.text);
    expect(after.decisions[branch.decisionId!]).toMatchObject({ action: "choose", chosenBy: "human" });
    expect(after.decisions[branch.decisionId!]!.reason).toContain(`branched at token ${k}`);
    // The next step's candidates grow from the branch.
    expect(Object.values(after.nodes).some((n) => n.parentId === made)).toBe(true);
    expect(s).toContain(branch.text.trim().split(/\s+/).at(-1)!);
    tmux.keys(w, "q");
    expect((await tmux.exit(w)).code).toBe(0);
  });
});

describe("Ctrl-C and q", () => {
  // Retried: a loaded machine (CI runs test files in parallel) can delay the key itself, not the abort.
  it("Ctrl-C aborts a generation in flight within half a second and exits 130", { retry: 2 }, async () => {
    // 16 candidates of 400 tokens: several seconds of local generation, so the key lands mid-generation.
    const session = await newSession("interrupt", ["--branching", "16", "--segment-tokens", "400"]);
    const w = tmux.start(`loom run ${session}`, env, dir);
    await tmux.waitFor(w, (x) => x.includes("generating…"), "generation to start");
    // Past the model load (native, not abortable) into token sampling: 16 × 400 tokens take several seconds.
    await new Promise((r) => setTimeout(r, 2000));
    const sent = Date.now();
    tmux.keys(w, "C-c");
    const { code, at } = await tmux.exit(w);
    expect(code).toBe(130);
    // What the terminal, the shell and a node process's exit take on this machine right now, measured the same
    // way: a node process that does nothing but exit on SIGINT. The half second is loom's own share beyond it.
    const idle = tmux.start(
      `${process.execPath} -e 'process.on("SIGINT", () => process.exit(130)); console.log("ready"); setInterval(() => {}, 1000)'`,
      env,
      dir,
    );
    await tmux.waitFor(idle, (x) => x.includes("ready"), "the baseline process to start");
    const baseSent = Date.now();
    tmux.keys(idle, "C-c");
    const base = await tmux.exit(idle);
    expect(base.code).toBe(130);
    const overhead = base.at - baseSent;
    expect(at - sent - overhead, `loom took ${at - sent} ms, a bare node process ${overhead} ms`).toBeLessThan(500);
    expect(await nodeCount(session)).toBe(1);
  });
});

describe("choosing and writing", () => {
  it("a two-digit number chooses the eleventh of twelve; w adds the space a writer expects", async () => {
    const session = await newSession("many", ["--branching", "12"]);
    const w = tmux.start(`loom run ${session}`, env, dir);
    await tmux.waitFor(w, (x) => atStep(1)(x) && candidateRows(x) === 12, "twelve candidates");
    tmux.type(w, "11");
    await tmux.waitFor(w, atStep(2), "step 2");
    tmux.keys(w, "w");
    await tmux.waitFor(w, (x) => x.includes("your continuation"), "the write prompt");
    tmux.type(w, "and a dragon");
    tmux.keys(w, "Enter");
    await tmux.waitFor(w, atStep(3), "step 3");
    tmux.keys(w, "q");
    expect((await tmux.exit(w)).code).toBe(0);
    const saved = (await readSession(session)).loom;
    const first = Object.values(saved.decisions).find((d) => d.parentNodeId === saved.rootId)!;
    expect(first.chosenNodeId).toBe(first.candidateNodeIds[10]);
    const written = saved.nodes[saved.currentPath[2]!]!;
    const textBefore = saved.nodes[saved.currentPath[1]!]!.text;
    expect(written.text).toBe(/\s$/.test(textBefore) ? "and a dragon" : " and a dragon");
  });
});
