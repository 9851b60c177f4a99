// A brief with few-shot texture and an intent drives the generator's prompt by default, on the local engine, through the binary.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { readSession } from "@loom/io";
import { beforeAll, describe, expect, it } from "vitest";
import { MODEL, REPO, ensureBuilt, loom, scratch } from "./helpers.js";

/** The seed project's example brief (few-shot examples and a section intent among its fields). */
const WORLDSPIDER = resolve(REPO, "../shared/fixtures/briefs/worldspider.toml");

let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = scratch();
});

/** A session with the worldspider brief grown two steps on the local engine; its first step's prompt and candidates. */
async function grow(name: string, extra: string[]) {
  const session = join(dir, name);
  const env = { LOOM_MODEL: MODEL };
  const args = ["new", "--seed", "Once upon a time", "--dir", session, "--brief", WORLDSPIDER];
  const made = await loom([...args, "--branching", "3", "--sample-seed", "7", ...extra], { dir, env });
  expect(made.code, made.stderr).toBe(0);
  const ran = await loom(["run", session, "--selector", "auto", "--max-steps", "2"], { dir, env });
  expect(ran.code, ran.stderr).toBe(0);
  const { loom: saved } = await readSession(session);
  const first = Object.values(saved.decisions).find((d) => d.parentNodeId === saved.rootId)!;
  const nodes = first.candidateNodeIds.map((id) => saved.nodes[id]!);
  return { saved, prompt: nodes[0]!.meta["prompt"] as string, mode: nodes[0]!.meta["promptMode"], nodes };
}

describe.skipIf(!existsSync(WORLDSPIDER) || !existsSync(MODEL))("briefed prompts by default", () => {
  it("a brief with few-shot examples and an intent gives briefed prompts holding its parts in order; raw mode's candidates differ", async () => {
    const briefed = await grow("briefed", []);
    expect(briefed.saved.config.generator.promptMode).toBe("auto");
    expect(briefed.mode).toBe("briefed");
    const order = [
      "The attention was a hand, and it was holding",
      "Describe the experience of token generation from the inside.",
      "(continue from where it stops)",
    ].map((part) => briefed.prompt.indexOf(part));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // The crafted text is last and unchanged, so the base model continues it.
    expect(briefed.prompt.endsWith("\n\nOnce upon a time")).toBe(true);
    // Every later step is briefed too, over the text as it grew.
    const tip = briefed.saved.nodes[briefed.saved.currentPath.at(-1)!]!;
    expect(tip.meta["promptMode"]).toBe("briefed");

    const raw = await grow("raw", ["--prompt-mode", "raw"]);
    expect(raw.mode).toBe("string");
    expect(raw.prompt).toBe("Once upon a time");
    // Same seed, same sampling: only the prompt differs, and so do the candidates.
    expect(raw.nodes.map((n) => n.meta["sampling"])).toEqual(briefed.nodes.map((n) => n.meta["sampling"]));
    expect(raw.nodes.map((n) => n.text)).not.toEqual(briefed.nodes.map((n) => n.text));
  }, 120_000);

  it("a brief without few-shot examples, intent or draft keeps raw prompts", async () => {
    const session = join(dir, "plain");
    const env = { LOOM_MODEL: MODEL };
    const made = await loom(["new", "--seed", "Once upon a time", "--dir", session, "--branching", "2"], { dir, env });
    expect(made.code, made.stderr).toBe(0);
    expect((await loom(["run", session, "--selector", "auto", "--max-steps", "1"], { dir, env })).code).toBe(0);
    const { loom: saved } = await readSession(session);
    expect(saved.nodes[saved.currentPath[1]!]!.meta).toMatchObject({
      promptMode: "string",
      prompt: "Once upon a time",
    });
  }, 60_000);
});
