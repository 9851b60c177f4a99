// User presets through the binary: saved from a session into the config directory's presets.toml, chosen by name on new, applied with `loom preset use`, kept in a session; bad names and files refused by name.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readSession } from "@loom/io";
import { beforeAll, describe, expect, it } from "vitest";
import { MODEL, ensureBuilt, loom, scratch } from "./helpers.js";

let dir: string;
let env: Record<string, string>;
beforeAll(() => {
  ensureBuilt();
  dir = scratch();
  env = { LOOM_MODEL: MODEL, LOOM_CONFIG_DIR: join(dir, "config") };
});

const run = (args: string[]) => loom(args, { dir, env });
async function ok(args: string[]) {
  const r = await run(args);
  expect(r.code, r.stderr).toBe(0);
  return r;
}
const generatorOf = async (session: string) => (await readSession(session)).loom.config.generator;

describe("loom preset", () => {
  it("saves a session's settings as the user's preset, starts a session with it, and applies a built-in one", async () => {
    const first = join(dir, "first");
    await ok(["new", "--seed", "x", "--dir", first, "--temperature", "1.3", "--top-k", "7", "--branching", "5"]);
    await ok(["preset", "save", "dreamy", first]);
    const file = readFileSync(join(dir, "config", "presets.toml"), "utf8");
    expect(file).toContain("[dreamy]");
    expect(file).toContain("temperature = 1.3");

    const second = join(dir, "second");
    await ok(["new", "--seed", "y", "--dir", second, "--preset", "dreamy"]);
    expect(await generatorOf(second)).toMatchObject({ temperature: 1.3, topK: 7, branchingFactor: 5 });
    // An explicit flag still wins over the preset.
    const third = join(dir, "third");
    await ok(["new", "--seed", "z", "--dir", third, "--preset", "dreamy", "--branching", "2"]);
    expect(await generatorOf(third)).toMatchObject({ temperature: 1.3, branchingFactor: 2 });

    await ok(["preset", "use", "stable", second]);
    expect(await generatorOf(second)).toMatchObject({ temperature: 0.85, topP: 0.92, branchingFactor: 4, topK: 7 });

    // A session's own preset: listed with it, usable on it, absent from the user's file.
    await ok(["preset", "save", "mine", third, "--in-session"]);
    const listed = JSON.parse((await ok(["preset", "list", third, "--json"])).stdout) as {
      presets: { name: string; from: string }[];
    };
    expect(listed.presets.map((p) => `${p.name}:${p.from}`)).toEqual([
      "default:built-in",
      "stable:built-in",
      "mine:session",
      "dreamy:user",
    ]);
    expect(readFileSync(join(dir, "config", "presets.toml"), "utf8")).not.toContain("mine");
    await ok(["preset", "use", "stable", third]);
    await ok(["preset", "use", "mine", third]);
    expect(await generatorOf(third)).toMatchObject({ temperature: 1.3, branchingFactor: 2 });
  }, 120_000);

  it("refuses an unknown preset, a built-in's name, and a presets file with a bad field, naming each", async () => {
    const unknown = await run(["new", "--seed", "x", "--dir", join(dir, "u"), "--preset", "nope"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no preset "nope" \(there are: default, stable/);
    const s = join(dir, "s");
    await ok(["new", "--seed", "x", "--dir", s]);
    const builtIn = await run(["preset", "save", "stable", s]);
    expect(builtIn.code).toBe(2);
    expect(builtIn.stderr).toContain("built-in");

    const badDir = join(dir, "bad-config");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(badDir, { recursive: true });
    writeFileSync(join(badDir, "presets.toml"), "[hot]\ntemperature = 9\n");
    const bad = await loom(["new", "--seed", "x", "--dir", join(dir, "b"), "--preset", "hot"], {
      dir,
      env: { ...env, LOOM_CONFIG_DIR: badDir },
    });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("presets.toml");
    expect(bad.stderr).toContain("hot.temperature");
  }, 60_000);
});
