// The command framework through the real binary: help with examples, exit codes, messages naming the flag or file, NO_COLOR.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, loom, scratch } from "./helpers.js";

const COMMANDS = [
  "demo",
  "new",
  "run",
  "resume",
  "show",
  "tree",
  "decisions",
  "rejected",
  "divergences",
  "clarifications",
  "stats",
  "analyze",
  "export-pairs",
  "export",
  "import",
  "model pull",
  "model path",
  "serve",
];

let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = scratch();
});

describe("help", () => {
  it("loom --help lists every command, examples and the exit codes", async () => {
    const r = await loom(["--help"], { dir });
    expect(r.code).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toContain(c);
    expect(r.stdout).toContain("Examples:");
    expect(r.stdout).toMatch(/2 usage/);
  });

  it.each(COMMANDS)("loom %s --help shows usage, flags and examples of that command", async (name) => {
    const r = await loom([...name.split(" "), "--help"], { dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: loom ${name}`);
    expect(r.stdout).toContain("--json");
    expect(r.stdout).toContain("Examples:");
    expect(r.stdout).toMatch(new RegExp(`\\$ .*loom ${name}`));
    expect(r.stderr).toBe("");
  });

  it("loom with no command prints help and exits 2", async () => {
    const r = await loom([], { dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("Commands:");
  });
});

describe("usage errors exit 2 and name what was wrong", () => {
  it("an unknown command, with a suggestion", async () => {
    const r = await loom(["shwo"], { dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "shwo"');
    expect(r.stderr).toContain("loom show");
  });

  it("an unknown flag, with a suggestion", async () => {
    const r = await loom(["tree", "--depht", "2"], { dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--depht");
    expect(r.stderr).toContain("--depth");
  });

  it("a flag that needs a number", async () => {
    const r = await loom(["decisions", "--last", "many"], { dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--last must be an integer (got "many")');
  });

  it("a flag out of range", async () => {
    const r = await loom(["new", "--seed", "x", "--top-p", "2"], { dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--top-p must be at most 1");
  });

  it("an enum flag with a bad value lists the choices", async () => {
    const r = await loom(["new", "--seed", "x", "--generator", "gpt5"], { dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--generator must be one of local, .*openai.*together.*anthropic-cli-sim/);
  });

  it("a flag missing its value", async () => {
    const r = await loom(["show", "--node"], { dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--node needs a value");
  });

  it("a missing required argument", async () => {
    const r = await loom(["rejected"], { dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("missing argument <node>");
  });

  it("new without a seed", async () => {
    const r = await loom(["new", "--dir", join(dir, "x")], { dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--seed");
  });

  it("--json puts the error on stdout as JSON too", async () => {
    const r = await loom(["tree", "--depth", "-1", "--json"], { dir });
    expect(r.code).toBe(2);
    const parsed = JSON.parse(r.stdout) as { error: { message: string; exitCode: number } };
    expect(parsed.error.exitCode).toBe(2);
    expect(parsed.error.message).toContain("--depth");
  });
});

describe("bad files exit 1 and name the file", () => {
  it("a session directory that does not exist", async () => {
    const missing = join(dir, "no-such-session");
    const r = await loom(["show", missing], { dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(missing);
    expect(r.stderr).not.toContain("    at ");
  });

  it("a file where a session directory should be", async () => {
    const file = join(dir, "file.txt");
    writeFileSync(file, "hello");
    const r = await loom(["tree", file], { dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(file);
  });

  it("a directory that is not a session", async () => {
    const r = await loom(["stats", dir], { dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("not a loom session");
  });

  it("a corrupt loom.json names the file", async () => {
    const bad = scratch("loom-bad-");
    writeFileSync(join(bad, "loom.json"), "{ not json");
    const r = await loom(["show", bad], { dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(join(bad, "loom.json"));
    expect(r.stderr).not.toContain("internal error");
  });

  it("a missing seed file and a missing brief file", async () => {
    const seed = await loom(["new", "--seed-file", join(dir, "nope.txt")], { dir });
    expect(seed.code).toBe(1);
    expect(seed.stderr).toContain("--seed-file");
    expect(seed.stderr).toContain("nope.txt");
    const brief = await loom(["new", "--seed", "x", "--brief", join(dir, "brief.toml")], { dir });
    expect(brief.code).toBe(1);
    expect(brief.stderr).toContain("--brief");
    expect(brief.stderr).toContain("brief.toml");
  });

  it("an unknown local model lists the known ones", async () => {
    const r = await loom(["new", "--seed", "x", "--model", "tinystories-9000"], { dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown model "tinystories-9000"');
    expect(r.stderr).toContain("LOOM_MODEL");
  });
});
