// The plan file: a grid expands to one session per brief × generator × selector × seed × repeat, each a new loom with
// its cell's settings; a bad plan names the file and the field, before anything is written.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expandGrid, loomOf } from "./expand-grid.js";
import { loadPlan } from "./load-plan.js";

const dir = mkdtempSync(join(tmpdir(), "loom-plan-"));
function planFile(text: string): string {
  const file = join(dir, `plan-${Math.random().toString(36).slice(2)}.toml`);
  writeFileSync(file, text);
  return file;
}

const GRID = `name = "study"
seeds = [1, 2, 3]
repeats = 2
maxSteps = 5
[briefs.spider]
seed = "The spider"
file = "spider.md"
[briefs.sea]
seed = "The sea"
[generators.local]
provider = "local"
branchingFactor = 4
[selectors.auto]
mode = "auto"
[selectors.claude]
mode = "stateless"
model = "claude-sonnet-5-5"
`;

describe("a plan", () => {
  it("expands to every combination, named by its cell, seed and repeat, each with its cell's settings", async () => {
    writeFileSync(join(dir, "spider.md"), "Write about the spider that spins the edge of the world.\n");
    const loaded = await loadPlan(planFile(GRID));
    const specs = expandGrid(loaded);
    expect(specs).toHaveLength(2 * 1 * 2 * 3 * 2);
    expect(new Set(specs.map((s) => s.id)).size).toBe(specs.length);
    expect(specs[0]).toEqual({ id: "study:spider:local:auto:s1:r1", cell: "spider/local/auto", seed: 1, repeat: 1 });
    const spec = specs.find((s) => s.id === "study:sea:local:claude:s3:r2")!;
    const loom = loomOf(loaded, spec);
    expect(loom.nodes[loom.rootId]!.text).toBe("The sea");
    expect(loom.config).toMatchObject({
      maxSteps: 5,
      generator: { provider: "local", branchingFactor: 4, seed: 3, segmentTokens: 6 },
      selector: { mode: "stateless", model: "claude-sonnet-5-5" },
    });
    const spider = loomOf(loaded, specs[0]!);
    expect(spider.brief.notes).toMatch(/edge of the world/);
  });

  it.each([
    [
      "a field of a generator",
      GRID.replace("branchingFactor = 4", "branchingFactor = 0"),
      /field generators\.local\.branchingFactor/,
    ],
    ["an unknown field", GRID.replace("repeats = 2", "repeat = 2"), /field repeat: not a field of a plan/],
    [
      "a name that cannot be part of an id",
      GRID.replace('name = "study"', 'name = "my study"'),
      /field name: a name is 1 to 40/,
    ],
    [
      "a human selector",
      GRID.replace('mode = "auto"', 'mode = "human"'),
      /field selectors\.auto\.mode: a sweep runs headless/,
    ],
    ["no briefs", GRID.replace(/\[briefs\.spider\][^[]*\[briefs\.sea\]\nseed = "The sea"\n/, ""), /field briefs/],
    ["a missing brief file", GRID.replace("spider.md", "nowhere.md"), /field briefs\.spider\.file: .*nowhere\.md/],
    ["TOML that does not parse", "name = ", /not valid TOML/],
  ])("refuses %s, naming the file and the field", async (_what, text, message) => {
    const file = planFile(text);
    const error = await loadPlan(file).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(message);
  });
});
