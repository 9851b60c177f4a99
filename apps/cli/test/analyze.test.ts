// `loom analyze` through the built binary, over sessions the real loop made (local engine, auto and scripted selectors).
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Loom } from "@loom/core";
import { readSession } from "@loom/io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCorpus, MODEL, type Corpus } from "../../../packages/analysis/src/test-support/real-sessions.js";
import { ensureBuilt, loom } from "./helpers.js";

let corpus: Corpus;
let tree: string;
let looms: Loom[];

/** Acceptance and the median gap of the choices in `ls`, computed here from the looms themselves. */
function acceptanceAndMedian(ls: Loom[]) {
  const gaps = ls
    .flatMap((l) => Object.values(l.decisions))
    .filter((d) => d.action === "choose" && d.logprobGap !== null)
    .map((d) => d.logprobGap!)
    .sort((a, b) => a - b);
  const mid = (gaps.length - 1) / 2;
  return {
    acceptance: gaps.filter((g) => g === 0).length / gaps.length,
    median: (gaps[Math.floor(mid)]! + gaps[Math.ceil(mid)]!) / 2,
  };
}

describe.skipIf(!existsSync(MODEL))("loom analyze", () => {
  beforeAll(async () => {
    ensureBuilt();
    corpus = await buildCorpus();
    tree = join(corpus.root, "tree");
    looms = await Promise.all(Object.values(corpus.dirs).map(async (d) => (await readSession(d)).loom));
  });
  afterAll(() => rmSync(corpus.root, { recursive: true, force: true }));

  it("prints the same numbers as JSON, CSV and a table, matching the looms", async () => {
    const json = await loom(["analyze", tree, "--group-by", "selector", "--json"], { dir: corpus.root });
    expect(json.stderr).toBe("");
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout);
    const judge = report.groups.find((g: { label: string }) => g.label === "stateless scripted-judge");
    const mode = (l: Loom) => l.config.selector.mode;
    const want = acceptanceAndMedian(looms.filter((l) => mode(l) === "stateless"));
    expect(judge.acceptance).toBeCloseTo(want.acceptance, 12);
    expect(judge.gap.p50).toBeCloseTo(want.median, 9);
    expect(report.groups.find((g: { label: string }) => g.label === "auto").acceptance).toBe(1);

    const csv = await loom(["analyze", tree, "--group-by", "selector", "--csv"], { dir: corpus.root });
    expect(csv.code).toBe(0);
    const [header, ...rows] = csv.stdout
      .trimEnd()
      .split("\r\n")
      .map((l) => l.split(","));
    const col = (name: string) => header!.indexOf(name);
    const judgeRow = rows.find((r) => r[0] === "stateless scripted-judge")!;
    expect(Number(judgeRow[col("acceptance")])).toBeCloseTo(want.acceptance, 12);
    expect(Number(judgeRow[col("decisions")])).toBe(judge.decisions);
    expect(rows.at(-1)![0]).toBe("(all)");

    const table = await loom(["analyze", tree, "--group-by", "selector"], { dir: corpus.root });
    expect(table.code).toBe(0);
    const line = table.stdout.split("\n").find((l) => l.startsWith("stateless scripted-judge"))!;
    expect(line).toContain(`${(want.acceptance * 100).toFixed(0)}%`);
    expect(line).toContain(want.median.toFixed(2));
    expect(table.stdout).toContain("hinges on: whether the dog is a surprise");
  });

  it("takes a quoted glob, and names a wrong key, a missing path and a damaged session", async () => {
    const globbed = await loom(["analyze", "tree/*/j-*", "--json"], { dir: corpus.root, cwd: corpus.root });
    expect(globbed.code).toBe(0);
    expect(JSON.parse(globbed.stdout).perSession).toHaveLength(2);

    const badKey = await loom(["analyze", tree, "--group-by", "selector,colour"], { dir: corpus.root });
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toContain('--group-by: unknown group key "colour"');

    const missing = await loom(["analyze", join(corpus.root, "nowhere")], { dir: corpus.root });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("nowhere: no such directory");

    const cut = join(corpus.root, "more", "cut");
    mkdirSync(cut, { recursive: true });
    const bytes = readFileSync(join(corpus.dirs.autoDefault, "loom.json"));
    writeFileSync(join(cut, "loom.json"), bytes.subarray(0, bytes.length >> 1));
    const damaged = await loom(["analyze", corpus.dirs.autoDefault, join(corpus.root, "more")], { dir: corpus.root });
    expect(damaged.code).toBe(1);
    expect(damaged.stdout).toContain(looms[0]!.sessionId.slice(0, 6));
    expect(damaged.stderr).toMatch(/skipped .*cut: .*loom\.json/);
    expect(damaged.stderr).toContain("1 of 2 sessions could not be read");
  });
});
