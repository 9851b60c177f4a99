// `loom analyze` through the built binary, over sessions the real loop made (local engine, auto and scripted selectors).
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

  it("reads on worker threads (the bundle's session-worker.js) to the same output byte for byte", async () => {
    // Forty sessions: each of the corpus's ten times, so the default reads them on workers as well.
    const many = join(corpus.root, "many");
    for (let i = 0; i < 10; i++)
      for (const [name, dir] of Object.entries(corpus.dirs))
        cpSync(dir, join(many, `${name}-${i}`), { recursive: true, filter: (p) => !p.endsWith("/lock") });
    const args = ["analyze", many, "--group-by", "selector,position", "--json"];
    const onMain = await loom([...args, "--workers", "0"], { dir: corpus.root });
    expect(onMain.code, onMain.stderr).toBe(0);
    expect(JSON.parse(onMain.stdout).overall.sessions).toBe(40);
    for (const workers of [["--workers", "3"], []]) {
      const r = await loom([...args, ...workers], { dir: corpus.root });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(onMain.stdout);
    }
    const csv = (workers: string) => loom(["analyze", many, "--csv", "--workers", workers], { dir: corpus.root });
    expect((await csv("2")).stdout).toBe((await csv("0")).stdout);
    const bad = await loom(["analyze", many, "--workers", "-1"], { dir: corpus.root });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--workers");
  });

  it("export-pairs writes DPO-shaped JSON lines to a file or stdout, filtered by chooser", async () => {
    const file = join(corpus.root, "pairs.jsonl");
    const written = await loom(
      ["export-pairs", tree, "--chooser", "selector_llm", "--pairs", "one", "-o", file, "--json"],
      {
        dir: corpus.root,
      },
    );
    expect(written.code).toBe(0);
    const summary = JSON.parse(written.stdout);
    const lines = readFileSync(file, "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    const judged = looms
      .flatMap((l) => Object.values(l.decisions))
      .filter((d) => d.action === "choose" && d.chosenBy === "selector_llm");
    expect(summary).toMatchObject({ file, pairs: lines.length, sessions: 4 });
    // One per judged decision, unless every rejected candidate repeated the chosen text.
    expect(lines.length).toBeGreaterThan(judged.length - 3);
    expect(lines.length).toBeLessThanOrEqual(judged.length);
    for (const l of lines) {
      expect(Object.keys(l)).toEqual(["prompt", "chosen", "rejected", "metadata"]);
      expect(l.prompt.startsWith("Brief:\nTitle: The dog\n\nOnce upon a time")).toBe(true);
      expect(l.metadata.chooser).toBe("selector_llm");
    }
    const piped = await loom(["export-pairs", tree, "--chooser", "selector_llm", "--pairs", "one"], {
      dir: corpus.root,
    });
    expect(piped.code).toBe(0);
    expect(piped.stdout).toBe(readFileSync(file, "utf8"));
    expect(piped.stderr).toContain(`${lines.length} pairs from 4 sessions`);

    const bad = await loom(["export-pairs", tree, "--chooser", "robot"], { dir: corpus.root });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--chooser: unknown chooser "robot"');
    const nowhere = join(corpus.root, "no-such-dir", "pairs.jsonl");
    const failed = await loom(["export-pairs", tree, "-o", nowhere], { dir: corpus.root });
    expect(failed.code).toBe(1);
    expect(existsSync(nowhere)).toBe(false);
  });

  it("--plot draws SVG whose marks carry the table's numbers, and PNG", async () => {
    const svgFile = join(corpus.root, "charts.svg");
    const r = await loom(["analyze", tree, "--group-by", "selector", "--plot", svgFile, "--json"], {
      dir: corpus.root,
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`drew the charts to ${svgFile} (svg`);
    const report = JSON.parse(r.stdout);
    const svg = readFileSync(svgFile, "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    // Each drawn mark's aria-label lists its data ("range: 0; share: 0.5; group: auto; count: 3").
    const marks = [...svg.matchAll(/aria-label="([^"]*)"/g)]
      .map((m) =>
        m[1]!
          .replace(/&#39;/g, "'")
          .replace(/&quot;/g, '"')
          .replace(/&amp;/g, "&"),
      )
      .filter((l) => l.includes("group: "))
      .map((l) => Object.fromEntries(l.split("; ").map((kv) => kv.split(": ") as [string, string])));
    for (const g of report.groups) {
      const bars = marks.filter((m) => m["group"] === g.label && m["share"] !== undefined);
      expect(bars.map((b) => [b["range"], Number(b["count"])])).toEqual(
        g.gapHistogram.map((b: { label: string; count: number }) => [b.label, b.count]),
      );
      for (const b of bars) expect(Number(b["share"])).toBeCloseTo(Number(b["count"]) / g.withGap, 12);
      const accept = marks.filter((m) => m["group"] === g.label && m["acceptance"] !== undefined);
      const along = g.alongPiece.filter((p: { acceptance: number | null }) => p.acceptance !== null);
      expect(accept.map((a) => [a["position"], Number(a["acceptance"])])).toEqual(
        along.map((p: { label: string; acceptance: number }) => [p.label, p.acceptance]),
      );
      const gaps = marks.filter((m) => m["group"] === g.label && m["meanGap"] !== undefined);
      expect(gaps.map((a) => Number(a["meanGap"]))).toEqual(along.map((p: { meanGap: number }) => p.meanGap));
    }

    const pngFile = join(corpus.root, "charts.png");
    const png = await loom(["analyze", tree, "--plot", pngFile], { dir: corpus.root });
    expect(png.code).toBe(0);
    const bytes = readFileSync(pngFile);
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    // IHDR: width and height, big-endian, right after the signature and the chunk header.
    expect(bytes.readUInt32BE(16)).toBeGreaterThan(400);
    expect(bytes.readUInt32BE(20)).toBeGreaterThan(400);

    const wrong = await loom(["analyze", tree, "--plot", join(corpus.root, "charts.pdf")], { dir: corpus.root });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("must end in .svg or .png");
  });
});
