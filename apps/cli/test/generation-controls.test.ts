// Memory, author's note and sampling controls set by flags and `loom config`, as the local engine receives them, through the binary.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { readSession } from "@loom/io";
import { beforeAll, describe, expect, it } from "vitest";
import { MODEL, ensureBuilt, loom, scratch } from "./helpers.js";

let dir: string;
const env = { LOOM_MODEL: MODEL };
beforeAll(() => {
  ensureBuilt();
  dir = scratch();
});

/** A session grown `steps` steps by the auto selector on the local engine; each path node's step, in order. */
async function grow(name: string, flags: string[], steps = 3) {
  const session = join(dir, name);
  const args = ["new", "--seed", "Once upon a time", "--dir", session, "--branching", "3", "--segment-tokens", "4"];
  const made = await loom([...args, "--sample-seed", "7", ...flags], { dir, env });
  expect(made.code, made.stderr).toBe(0);
  const ran = await loom(["run", session, "--selector", "auto", "--max-steps", String(steps)], { dir, env });
  expect(ran.code, ran.stderr).toBe(0);
  return { session, ...(await pathSteps(session)) };
}

async function pathSteps(session: string) {
  const { loom: saved } = await readSession(session);
  const steps = saved.currentPath.slice(1).map((id) => {
    const node = saved.nodes[id]!;
    const siblings = saved.decisions[node.decisionId!]!.candidateNodeIds.map((c) => saved.nodes[c]!.text);
    const window = node.meta["promptWindow"] as { totalTokens: number };
    return { text: node.text, siblings, meta: node.meta, prompt: node.meta["prompt"], tokens: window.totalTokens };
  });
  return { saved, steps };
}

describe.skipIf(!existsSync(MODEL))("memory, author's note and sampling controls", () => {
  it("memory tops every prompt and the author's note sits before the last N segments; the engine reads them and writes otherwise", async () => {
    const note = [
      "--memory",
      "Tom had a red ball.",
      "--authors-note",
      "The dog is happy.",
      "--authors-note-depth",
      "1",
    ];
    const withNote = await grow("note", note);
    const plain = await grow("plain", []);
    const [first, second, third] = withNote.steps;
    // The engine's own prompt (the string it tokenised) holds them where they belong.
    expect(first!.prompt).toBe("Tom had a red ball.\n\n\n[Author's note: The dog is happy.]\nOnce upon a time");
    expect(third!.prompt).toBe(
      `Tom had a red ball.\n\nOnce upon a time${first!.text}\n[Author's note: The dog is happy.]\n${second!.text}`,
    );
    expect(third!.meta["promptContext"]).toEqual({
      memory: "Tom had a red ball.",
      authorsNote: "The dog is happy.",
      authorsNoteDepth: 1,
    });
    // It evaluated more tokens than the same step without them, and sampled other continuations.
    expect(first!.tokens).toBeGreaterThan(plain.steps[0]!.tokens + 8);
    expect(plain.steps[0]!.prompt).toBe("Once upon a time");
    expect(plain.steps[0]!.meta["promptContext"]).toBeUndefined();
    expect(withNote.steps.map((s) => s.siblings)).not.toEqual(plain.steps.map((s) => s.siblings));

    // `loom config` clears the note (a journaled change); the next step's prompt has memory only.
    const cleared = await loom(["config", withNote.session, "set", "generator.authorsNote", "null"], { dir, env });
    expect(cleared.code, cleared.stderr).toBe(0);
    expect((await loom(["run", withNote.session, "--selector", "auto", "--max-steps", "1"], { dir, env })).code).toBe(
      0,
    );
    const after = await pathSteps(withNote.session);
    const last = after.steps.at(-1)!;
    expect(after.saved.config.generator.authorsNote).toBe("");
    expect(last.meta["promptContext"]).toEqual({ memory: "Tom had a red ball." });
    expect(JSON.stringify(last.prompt)).not.toContain("Author's note");

    // A note for the subtree below the first chosen node: the next step (below it) has that note, recorded with its node.
    const below = after.saved.currentPath[1]!;
    const notes = JSON.stringify({ [below]: "Night falls." });
    const set = await loom(["config", withNote.session, "set", "generator.subtreeNotes", notes], { dir, env });
    expect(set.code, set.stderr).toBe(0);
    expect((await loom(["run", withNote.session, "--selector", "auto", "--max-steps", "1"], { dir, env })).code).toBe(
      0,
    );
    const noted = (await pathSteps(withNote.session)).steps.at(-1)!;
    expect(noted.prompt).toContain("[Author's note: Night falls.]");
    expect(noted.meta["promptContext"]).toEqual({
      memory: "Tom had a red ball.",
      authorsNote: "Night falls.",
      authorsNoteDepth: 1,
      authorsNoteFrom: below,
    });
    const nowhere = await loom(
      ["config", withNote.session, "set", "generator.subtreeNotes", JSON.stringify({ n999999: "x" })],
      { dir, env },
    );
    expect(nowhere.code).not.toBe(0);
    expect(nowhere.stderr).toContain('no node "n999999"');
  }, 180_000);

  it("a stop sequence ends candidates and is recorded; top-k 1 on the local engine offers only the greedy continuation", async () => {
    const stopped = await grow("stop", ["--stop", '["."]'], 2);
    for (const step of stopped.steps) {
      expect(step.meta["sampling"]).toMatchObject({ stop: ["."] });
      expect(step.text).not.toContain(".");
    }
    // Every candidate is the argmax path: one text three times, each token the first of its unfiltered alternatives.
    const greedy = await grow("topk", ["--top-k", "1"], 1);
    const step = greedy.steps[0]!;
    expect(new Set(step.siblings).size).toBe(1);
    expect(step.meta["sampling"]).toMatchObject({ topK: 1 });
    const { loom: saved } = await readSession(greedy.session);
    const node = saved.nodes[saved.currentPath[1]!]!;
    for (const t of node.tokens!.toArray()) {
      expect(t.id).toBe(t.top![0]!.id);
      expect(t.logprob).toBeLessThan(0);
    }
  }, 120_000);

  it("a control the generator cannot honour is refused by name before anything is sent or written", async () => {
    const session = join(dir, "ollama");
    const made = await loom(
      ["new", "--seed", "Once", "--dir", session, "--generator", "ollama", "--model", "llama3", "--min-p", "0.1"],
      { dir, env },
    );
    expect(made.code, made.stderr).toBe(0);
    const ran = await loom(["run", session, "--selector", "auto", "--max-steps", "1"], { dir, env });
    expect(ran.code).not.toBe(0);
    expect(ran.stderr).toMatch(/cannot honour minP: clear generator\.minP/);
    const { loom: saved } = await readSession(session);
    expect(Object.keys(saved.nodes)).toHaveLength(1);

    const badJson = await loom(["new", "--seed", "x", "--dir", join(dir, "bad"), "--logit-bias", "{50: -100"], {
      dir,
      env,
    });
    expect(badJson.code).not.toBe(0);
    expect(badJson.stderr).toMatch(/--logit-bias is not valid JSON/);
    const badKey = await loom(["new", "--seed", "x", "--dir", join(dir, "bad2"), "--logit-bias", '{"the": -100}'], {
      dir,
      env,
    });
    expect(badKey.code).not.toBe(0);
    expect(badKey.stderr).toMatch(/generator\.logitBias\.the/);
  }, 120_000);
});
