// No dead ends: budgets raised on run, a stop continued, unrunnable generators refused in flag words, settings changed with `loom config`, export formats from the extension (the built binary).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { addCandidates, createLoom, defaultSessionConfig, resolveDecision } from "@loom/core";
import { createSession, readSession } from "@loom/io";
import { beforeAll, describe, expect, it } from "vitest";
import { MODEL, ensureBuilt, loom, scratch, newSessionArgs } from "./helpers.js";

const env = { LOOM_MODEL: MODEL };
let dir: string;

beforeAll(() => {
  ensureBuilt();
  dir = scratch();
});

const newArgs = (name: string, ...extra: string[]) =>
  newSessionArgs(join(dir, name), { branching: 2, sampleSeed: 3 }, "--selector", "auto", ...extra);

describe("budgets", () => {
  it("a session at its token budget names the flag that continues it, and run --max-tokens-total raises it for good", async () => {
    expect((await loom(newArgs("budget", "--max-tokens-total", "8"), { dir, env })).code).toBe(0);
    const first = await loom(["run", join(dir, "budget"), "--json"], { dir, env });
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ reason: "max-tokens", steps: 2 });
    expect(first.stderr).toMatch(/continue with: .* run .*budget --max-tokens-total 100/);
    const again = await loom(["run", join(dir, "budget"), "--max-tokens-total", "16", "--json"], { dir, env });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ reason: "max-tokens", steps: 2, maxTokensTotal: 16 });
    expect((await readSession(join(dir, "budget"))).loom.config.maxTokensTotal).toBe(16);
  });

  it("--max-steps means decisions per run on new, run and resume alike", async () => {
    expect((await loom(newArgs("steps", "--max-steps", "2"), { dir, env })).code).toBe(0);
    for (const [cmd, expected] of [
      ["run", 2],
      ["resume", 2],
    ] as const) {
      const r = await loom([cmd, join(dir, "steps"), "--json"], { dir, env });
      expect(JSON.parse(r.stdout)).toMatchObject({ reason: "max-steps", steps: expected });
    }
    const once = await loom(["resume", join(dir, "steps"), "--max-steps", "1", "--json"], { dir, env });
    expect(JSON.parse(once.stdout)).toMatchObject({ reason: "max-steps", steps: 1, step: 6 });
  });
});

describe("after a stop", () => {
  it("resume says the session is stopped and how to go on; --continue grows from the tip", async () => {
    const session = join(dir, "stopped");
    const l = createLoom({
      seed: "Once upon a time",
      config: defaultSessionConfig({
        generator: { provider: "local", model: MODEL, branchingFactor: 2, segmentTokens: 4 },
        selector: { mode: "auto" },
      }),
    });
    const a = addCandidates(l, l.rootId, [{ text: " there" }, { text: " a" }]);
    resolveDecision(l, a.decisionId, {
      action: "choose",
      chosenNodeId: a.nodeIds[0]!,
      chosenBy: "auto",
      reason: "first",
    });
    const b = addCandidates(l, a.nodeIds[0]!, [{ text: " was" }]);
    resolveDecision(l, b.decisionId, { action: "stop", chosenBy: "human", reason: "done for today" });
    await (await createSession(session, l)).close();

    const r = await loom(["resume", session], { dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("the session is stopped at step 2 (done for today)");
    expect(r.stderr).toMatch(/continue with: .*run .*stopped --continue .*--from NODE/);
    const c = await loom(["run", session, "--continue", "--max-steps", "2", "--json"], { dir, env });
    expect(c.code, c.stderr).toBe(0);
    expect(JSON.parse(c.stdout)).toMatchObject({ reason: "max-steps", steps: 2, step: 4 });
    const saved = (await readSession(session)).loom;
    expect(saved.currentPath.slice(0, 2)).toEqual([l.rootId, a.nodeIds[0]]);
    expect(saved.currentPath).toHaveLength(4);
  });
});

describe("generators it cannot run, and fixing settings", () => {
  it("new refuses a provider without its model or address, naming the flag", async () => {
    const together = await loom(["new", "--seed", "x", "--dir", join(dir, "t"), "--generator", "together"], { dir });
    expect(together.code).toBe(2);
    expect(together.stderr).toContain("--model MODEL");
    const compat = await loom(
      ["new", "--seed", "x", "--dir", join(dir, "c"), "--generator", "openai-compatible", "--model", "m"],
      { dir },
    );
    expect(compat.code).toBe(2);
    expect(compat.stderr).toContain("--base-url URL");
  });

  it("a missing API key is named by its variable, never by a library option", async () => {
    expect(
      (
        await loom(
          [
            "new",
            "--seed",
            "x",
            "--dir",
            join(dir, "k"),
            "--generator",
            "together",
            "--model",
            "meta-llama/Llama-3-8b-hf",
            "--selector",
            "auto",
          ],
          { dir },
        )
      ).code,
    ).toBe(0);
    const r = await loom(["run", join(dir, "k")], { dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("TOGETHER_API_KEY");
    expect(r.stderr).not.toMatch(/apiKey|createSession|@loom\//);
  });

  it("loom config lists, gets and sets a session's settings; bad keys and values name themselves", async () => {
    const session = join(dir, "cfg");
    expect((await loom(newArgs("cfg"), { dir, env })).code).toBe(0);
    const list = await loom(["config", session], { dir });
    expect(list.stdout).toMatch(/generator\.temperature +1/);
    expect((await loom(["config", session, "set", "generator.temperature", "0.7"], { dir })).code).toBe(0);
    expect((await loom(["config", session, "set", "maxSteps", "3"], { dir })).code).toBe(0);
    const got = await loom(["config", session, "get", "generator.temperature", "--json"], { dir });
    expect(JSON.parse(got.stdout)).toEqual({ key: "generator.temperature", value: 0.7 });
    const saved = (await readSession(session)).loom.config;
    expect(saved.generator.temperature).toBe(0.7);
    expect(saved.maxSteps).toBe(3);
    const ran = await loom(["run", session, "--json"], { dir, env });
    expect(JSON.parse(ran.stdout)).toMatchObject({ reason: "max-steps", steps: 3 });
    const bad = await loom(["config", session, "set", "generator.temperature", "hot"], { dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("generator.temperature");
    const typo = await loom(["config", session, "set", "generator.temprature", "1"], { dir });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("generator.temperature");
    const compat = await loom(["config", session, "set", "generator.provider", "openai-compatible"], { dir });
    expect(compat.code).toBe(2);
    expect(compat.stderr).toContain("generator.baseUrl");
  });
});

describe("export, briefs and help", () => {
  it("-o takes the format from the extension and refuses a mismatch; nothing half-written", async () => {
    const session = join(dir, "cfg");
    const json = await loom(["export", session, "-o", join(dir, "story.json")], { dir });
    expect(json.code, json.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(join(dir, "story.json"), "utf8")) as {
      format: string;
      loom: { nodes: Record<string, unknown> };
    };
    expect(doc.format).toBe("loom-export");
    const mismatch = await loom(["export", session, "-f", "md", "-o", join(dir, "story2.json")], { dir });
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toMatch(/--format md does not match --out/);
    const unknown = await loom(["export", session, "-o", join(dir, "story.pdf")], { dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("--format");
  });

  it("a Markdown brief's first # heading is the title of the export", async () => {
    writeFileSync(join(dir, "brief.md"), "Some notes first.\n\n# The Lantern Spider\n\nWrite it plain.\n");
    expect((await loom([...newArgs("briefed"), "--brief", join(dir, "brief.md")], { dir, env })).code).toBe(0);
    const md = await loom(["export", join(dir, "briefed")], { dir });
    expect(md.stdout.startsWith("# The Lantern Spider\n")).toBe(true);
  });

  it("loom model --help lists its actions; loom --help names --version", async () => {
    const model = await loom(["model", "--help"], { dir });
    expect(model.code).toBe(0);
    expect(model.stdout).toContain("model pull");
    expect(model.stdout).toContain("model path");
    const root = await loom(["--help"], { dir });
    expect(root.stdout).toContain("--version");
    const version = await loom(["--version"], { dir });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
