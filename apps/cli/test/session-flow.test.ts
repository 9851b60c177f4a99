// new → run (headless, local engine) → show → tree → resume, through the binary; plus the failures a user meets on the way.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openSession, readSession } from "@loom/io";
import { beforeAll, describe, expect, it } from "vitest";
import { MODEL, ensureBuilt, loom, scratch } from "./helpers.js";

let dir: string;
let session: string;
const env = () => ({ LOOM_MODEL: MODEL });

beforeAll(() => {
  ensureBuilt();
  dir = scratch();
  session = join(dir, "story");
});

describe("a headless session on the local engine", () => {
  it("new creates the session with the flags' settings", async () => {
    const r = await loom(
      [
        "new",
        "--seed",
        "Once upon a time",
        "--dir",
        session,
        "--preset",
        "stable",
        "--branching",
        "3",
        "--sample-seed",
        "11",
        "--max-tokens-total",
        "400",
        "--json",
      ],
      { dir, env: env() },
    );
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      session: string;
      config: { generator: Record<string, unknown>; maxTokensTotal: number };
    };
    expect(out.session).toBe(session);
    // The preset first, then explicit flags over it.
    expect(out.config.generator).toMatchObject({
      provider: "local",
      model: MODEL,
      branchingFactor: 3,
      segmentTokens: 8,
      temperature: 0.85,
      topP: 0.92,
      seed: 11,
    });
    expect(out.config.maxTokensTotal).toBe(400);
    const again = await loom(["new", "--seed", "x", "--dir", session], { dir, env: env() });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("a session already exists");
  });

  it("run headless with --selector auto prints the text; steps are numbered from the seed everywhere", async () => {
    const r = await loom(["run", session, "--selector", "auto", "--max-steps", "4"], { dir, env: env() });
    expect(r.code, r.stderr).toBe(0);
    expect([...r.stderr.matchAll(/^step (\d+): chose/gm)].map((m) => Number(m[1]))).toEqual([1, 2, 3, 4]);
    expect(r.stderr).toContain("reached this run's step limit after 4 decisions this run; the piece is at step 5");
    expect(r.stdout.startsWith("Once upon a time")).toBe(true);
    // The saved decisions count the same steps from the same origin.
    const listed = JSON.parse((await loom(["decisions", session, "--json"], { dir })).stdout) as {
      decisions: { step: number }[];
    };
    expect(listed.decisions.map((d) => d.step)).toEqual([1, 2, 3, 4]);
    expect((await loom(["decisions", session], { dir })).stdout).toMatch(/^step 4 {2}choose/m);
    const { loom: saved } = await readSession(session);
    expect(saved.currentPath).toHaveLength(5);
    expect(r.stdout.trimEnd()).toBe(saved.currentPath.map((id) => saved.nodes[id]!.text).join(""));
    for (const id of saved.currentPath.slice(1)) expect(saved.nodes[id]!.chosenBy).toBe("auto");
  });

  it("show and tree read what run wrote", async () => {
    const show = await loom(["show", session, "--json"], { dir });
    const shown = JSON.parse(show.stdout) as { text: string; path: string[] };
    expect(shown.path).toHaveLength(5);
    const tree = await loom(["tree", session], { dir });
    expect(tree.code).toBe(0);
    // Four decisions of three candidates under the seed: 1 + 12 nodes, the tip marked.
    expect(tree.stdout.split("\n").filter((l) => /[▶●○] /.test(l))).toHaveLength(13);
    expect(tree.stdout.split("\n").filter((l) => l.includes("▶"))).toHaveLength(1);
    const stats = JSON.parse((await loom(["stats", session, "--json"], { dir })).stdout) as Record<string, number>;
    expect(stats.nodes).toBe(13);
    expect(stats.currentPathTokens).toBe(32);
  });

  it("resume continues from the tip with --json, and --from grows another branch", async () => {
    const r = await loom(["resume", session, "--selector", "auto", "--max-steps", "2", "--json"], { dir, env: env() });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { reason: string; steps: number; text: string };
    expect(out).toMatchObject({ reason: "max-steps", steps: 2 });
    const before = (await readSession(session)).loom;
    expect(before.currentPath).toHaveLength(7);
    const branch = await loom(["run", session, "--selector", "auto", "--max-steps", "1", "--from", "1", "--json"], {
      dir,
      env: env(),
    });
    expect(branch.code, branch.stderr).toBe(0);
    const after = (await readSession(session)).loom;
    expect(after.currentPath).toHaveLength(3);
    expect(after.currentPath[1]).toBe(before.currentPath[1]);
  });

  it("the manifest has one line per decision, readable on its own", () => {
    const lines = readFileSync(join(session, "manifest.ndjson"), "utf8").trim().split("\n");
    expect(lines).toHaveLength(7);
    expect(JSON.parse(lines[0]!)).toMatchObject({ action: "choose", chosenBy: "auto" });
  });
});

describe("failures on the way", () => {
  it("Ctrl-C (SIGINT) stops a headless run between steps: exit 130, every decision so far saved", async () => {
    const long = join(dir, "long");
    expect(
      (
        await loom(["new", "--seed", "Once", "--dir", long, "--branching", "2", "--max-tokens-total", "100000"], {
          dir,
          env: env(),
        })
      ).code,
    ).toBe(0);
    let sent = false;
    const r = await loom(["run", long, "--selector", "auto"], {
      dir,
      env: env(),
      onSpawn: (child) => {
        child.stderr!.on("data", (d: Buffer) => {
          // Interrupt once a few steps are in.
          if (!sent && d.toString().includes("step 3: chose")) {
            sent = true;
            child.kill("SIGINT");
          }
        });
      },
    });
    expect(sent).toBe(true);
    expect(r.code).toBe(130);
    expect(r.stderr).toContain("interrupted");
    expect(r.stderr).toMatch(/continue with: .*run /);
    const { loom: saved, warnings } = await readSession(long);
    expect(warnings).toEqual([]);
    const decided = Object.values(saved.decisions).filter((d) => d.action === "choose").length;
    expect(decided).toBeGreaterThanOrEqual(3);
    expect(saved.currentPath).toHaveLength(decided + 1);
  });

  it("a session locked by another process names the holder's pid", async () => {
    const held = await openSession(session);
    try {
      const r = await loom(["run", session, "--selector", "auto", "--max-steps", "1"], { dir, env: env() });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(String(process.pid));
      expect(r.stderr).not.toContain("internal error");
    } finally {
      await held.close();
    }
  });

  it("an LLM selector without its API key names the environment variable", async () => {
    const r = await loom(["run", session, "--selector", "stateless", "--selector-model", "claude-sonnet-5-5"], {
      dir,
      env: env(),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("ANTHROPIC_API_KEY");
    const o = await loom(["run", session, "--selector", "agentic", "--selector-model", "gpt-4.1"], { dir, env: env() });
    expect(o.code).toBe(1);
    expect(o.stderr).toContain("OPENAI_API_KEY");
  });

  it("an LLM selector without a model is a usage error", async () => {
    const r = await loom(["run", session, "--selector", "stateless"], { dir, env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--selector-model");
  });

  it("a model file that has gone missing is named", async () => {
    const r = await loom(["run", session, "--selector", "auto", "--model", join(dir, "moved.gguf")], {
      dir,
      env: { LOOM_MODEL: undefined },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("moved.gguf");
  });

  it("--from with an unknown node", async () => {
    const r = await loom(["run", session, "--selector", "auto", "--from", "n_nope"], { dir, env: env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--from: no node "n_nope"');
  });
});
