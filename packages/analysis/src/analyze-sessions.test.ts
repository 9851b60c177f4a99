import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { nodeText, type Loom } from "@loom/core";
import { readSession } from "@loom/io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AnalysisError,
  analyzeSessions,
  exportPairs,
  reportCsv,
  type AnalysisReport,
  type GroupStats,
  type PairOptions,
  type PreferencePair,
} from "./index.js";
import { buildCorpus, MODEL, type Corpus } from "./test-support/real-sessions.js";

/** Every file under dir with its bytes' hash and mtime: the analysis must change none. */
function fingerprint(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[p] = `${createHash("sha256").update(readFileSync(p)).digest("hex")} ${statSync(p).mtimeMs}`;
    }
  };
  walk(dir);
  return out;
}

/** The numbers computed here straight from the whole loom (not through the package's facts). */
function expected(looms: Loom[], threshold = -1) {
  const gaps: number[] = [];
  let decisions = 0;
  let clarifications = 0;
  let steps = 0;
  let distinct = 0;
  const overlaps: number[] = [];
  for (const loom of looms) {
    for (const d of Object.values(loom.decisions)) {
      if (d.action !== null) decisions++;
      if (d.clarificationQuestion !== null) clarifications++;
      const cands = d.candidateNodeIds.map((id) => loom.nodes[id]!);
      if (cands.length) {
        steps++;
        distinct += new Set(cands.map((c) => c.text)).size;
      }
      const tokenSets = cands.map((c) => new Set((c.tokens?.toArray() ?? []).map((t) => t.text)));
      const pair: number[] = [];
      for (let i = 0; i < tokenSets.length; i++)
        for (let j = i + 1; j < tokenSets.length; j++) {
          const a = tokenSets[i]!;
          const b = tokenSets[j]!;
          const shared = [...a].filter((x) => b.has(x)).length;
          pair.push(shared / new Set([...a, ...b]).size);
        }
      if (pair.length) overlaps.push(pair.reduce((s, x) => s + x, 0) / pair.length);
      if (d.action !== "choose") continue;
      // The gap recomputed from the candidates' own step logprobs.
      const chosen = loom.nodes[d.chosenNodeId!]!.stepLogprob!;
      const best = Math.max(...cands.map((c) => c.stepLogprob!));
      expect(d.logprobGap).toBeCloseTo(chosen - best, 9);
      gaps.push(chosen - best);
    }
  }
  const sorted = [...gaps].sort((a, b) => a - b);
  const pct = (p: number) => {
    const h = (sorted.length - 1) * p;
    const f = Math.floor(h);
    return f + 1 < sorted.length ? sorted[f]! * (1 - (h - f)) + sorted[f + 1]! * (h - f) : sorted[f]!;
  };
  return {
    decisions,
    withGap: gaps.length,
    acceptance: gaps.filter((g) => g === 0).length / gaps.length,
    divergences: gaps.filter((g) => g < threshold).length,
    median: pct(0.5),
    p10: pct(0.1),
    p90: pct(0.9),
    mean: gaps.reduce((s, g) => s + g, 0) / gaps.length,
    clarifications,
    meanDistinct: distinct / steps,
    meanOverlap: overlaps.reduce((s, x) => s + x, 0) / overlaps.length,
    histogramZero: gaps.filter((g) => g === 0).length,
    histogramOneToTwo: gaps.filter((g) => g <= -1 && g > -2).length,
  };
}

function checkGroup(g: GroupStats, looms: Loom[]) {
  const e = expected(looms);
  expect(g.decisions).toBe(e.decisions);
  expect(g.withGap).toBe(e.withGap);
  expect(g.acceptance).toBeCloseTo(e.acceptance, 12);
  expect(g.divergence.count).toBe(e.divergences);
  expect(g.gap!.mean).toBeCloseTo(e.mean, 9);
  expect(g.gap!.p50).toBeCloseTo(e.median, 9);
  expect(g.gap!.p10).toBeCloseTo(e.p10, 9);
  expect(g.gap!.p90).toBeCloseTo(e.p90, 9);
  expect(g.clarification.count).toBe(e.clarifications);
  expect(g.diversity.meanDistinctTexts).toBeCloseTo(e.meanDistinct, 12);
  expect(g.diversity.meanPairwiseOverlap).toBeCloseTo(e.meanOverlap, 12);
  expect(g.gapHistogram[0]!.count).toBe(e.histogramZero);
  expect(g.gapHistogram.find((b) => b.label === "-2 to -1")!.count).toBe(e.histogramOneToTwo);
  expect(g.gapHistogram.reduce((s, b) => s + b.count, 0)).toBe(e.withGap);
}

let corpus: Corpus;
let looms: Record<keyof Corpus["dirs"], Loom>;

describe.skipIf(!existsSync(MODEL))("analysis over sessions from the real loop (local engine)", () => {
  beforeAll(async () => {
    corpus = await buildCorpus();
    const entries = await Promise.all(
      Object.entries(corpus.dirs).map(async ([k, dir]) => [k, (await readSession(dir)).loom] as const),
    );
    looms = Object.fromEntries(entries) as typeof looms;
  });
  afterAll(() => rmSync(corpus.root, { recursive: true, force: true }));

  it("reads a directory tree without changing a byte and matches the numbers computed from the whole looms", async () => {
    const tree = join(corpus.root, "tree");
    const before = fingerprint(tree);
    // One session was copied while its writer was open: its decisions are in the journal, not the snapshot.
    expect(statSync(join(corpus.dirs.judgeWaiting, "journal.ndjson")).size).toBeGreaterThan(1000);
    const report = await analyzeSessions([tree], { groupBy: ["selector"] });
    expect(fingerprint(tree)).toEqual(before);
    expect(report.skipped).toEqual([]);
    expect(report.perSession).toHaveLength(4);
    checkGroup(report.overall, Object.values(looms));
    const bySelector = Object.fromEntries(report.groups.map((g) => [g.label, g]));
    expect(Object.keys(bySelector)).toEqual(["auto", "stateless scripted-judge"]);
    checkGroup(bySelector["auto"]!, [looms.autoDefault, looms.autoBudget]);
    checkGroup(bySelector["stateless scripted-judge"]!, [looms.judgeStop, looms.judgeWaiting]);
    // The automatic selector always takes the favourite; the judge fights it two steps in three.
    expect(bySelector["auto"]!.acceptance).toBe(1);
    expect(bySelector["stateless scripted-judge"]!.acceptance).toBeLessThan(0.6);
    // The clarification the human answered, and the one still waiting, with what hinged on them.
    expect(bySelector["stateless scripted-judge"]!.clarification).toMatchObject({ count: 2, answered: 1 });
    expect(
      bySelector["stateless scripted-judge"]!.clarification.rows.map((r) => [r.whatHingesOnIt, r.outcome]).sort(),
    ).toEqual([
      ["whether the dog is a surprise", "choose"],
      ["whether the dog is a surprise", "clarify"],
    ]);
    expect(bySelector["auto"]!.stopKinds).toEqual({ "max-steps": 1, "max-tokens": 1 });
    expect(bySelector["stateless scripted-judge"]!.stopKinds).toEqual({ selector: 1, "awaiting-clarification": 1 });
    expect(bySelector["stateless scripted-judge"]!.stopReasons).toEqual({ "the story has reached its turn": 1 });
  });

  it("reports piece lengths, generated tokens and the usage and cost each run saved", async () => {
    const report = await analyzeSessions([join(corpus.root, "tree")], { groupBy: ["preset"] });
    const byPreset = Object.fromEntries(report.groups.map((g) => [g.label, g]));
    expect(Object.keys(byPreset)).toEqual(["default", "stable"]);
    const stable = [looms.judgeStop, looms.judgeWaiting];
    const stepsOf = (l: Loom) => l.currentPath.length - 1;
    expect(byPreset["stable"]!.length!.steps.mean).toBe(stable.reduce((s, l) => s + stepsOf(l), 0) / 2);
    const tokens = (l: Loom) =>
      Object.values(l.nodes)
        .filter((n) => n.origin === "generated")
        .reduce((s, n) => s + n.tokens!.length, 0);
    expect(byPreset["stable"]!.generatedTokens).toBe(tokens(looms.judgeStop) + tokens(looms.judgeWaiting));
    // Usage as each run saved it in state/usage.json, summed by model; cost at the test's prices ($1 / $2 per M).
    const saved = [corpus.dirs.autoDefault, corpus.dirs.autoBudget].map(
      (d) => JSON.parse(readFileSync(join(d, "state/usage.json"), "utf8")).value.generator[0],
    );
    const usage = byPreset["default"]!.usage!;
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ kind: "generator", provider: "local", model: "stories260K.gguf", sessions: 2 });
    expect(usage[0]!.outputTokens).toBe(saved[0].outputTokens + saved[1].outputTokens);
    expect(usage[0]!.outputTokens).toBe(tokens(looms.autoDefault) + tokens(looms.autoBudget));
    expect(byPreset["default"]!.costUsd).toBeCloseTo(
      (usage[0]!.inputTokens * 1 + usage[0]!.outputTokens * 2) / 1e6,
      12,
    );
  });

  it("groups by position and chooser without losing a decision, and takes globs and lists", async () => {
    const report = await analyzeSessions([join(corpus.root, "tree")], { groupBy: ["chooser", "position"] });
    const total = (gs: GroupStats[]) => gs.reduce((s, g) => s + g.decisions, 0);
    expect(total(report.groups)).toBe(report.overall.decisions);
    expect(new Set(report.groups.map((g) => g.key["chooser"]))).toEqual(new Set(["auto", "selector_llm", "human"]));
    // Session-level numbers are not split across decision groups.
    expect(report.groups.every((g) => g.usage === null && g.length === null)).toBe(true);
    const globbed: AnalysisReport = await analyzeSessions(["tree/*/lily-*"], { cwd: corpus.root });
    expect(globbed.perSession.map((g) => g.key["session"]).sort()).toEqual(
      [looms.autoDefault.sessionId, looms.autoBudget.sessionId].sort(),
    );
    const listed = await analyzeSessions([corpus.dirs.judgeStop, corpus.dirs.judgeStop, corpus.dirs.autoBudget]);
    expect(listed.perSession).toHaveLength(2);
    const csv = reportCsv(listed).trimEnd().split("\r\n");
    expect(csv[0]!.split(",").slice(0, 3)).toEqual(["session", "sessions", "decisions"]);
    expect(csv).toHaveLength(4);
  });

  it("lists a copied session apart from its original, each with its own decisions, and says so", async () => {
    const copy = join(corpus.root, "copies", "judge-stop-copy");
    cpSync(corpus.dirs.judgeStop, copy, { recursive: true });
    const report = await analyzeSessions([corpus.dirs.judgeStop, copy]);
    const id = looms.judgeStop.sessionId;
    expect(report.perSession.map((g) => g.key["session"]).sort()).toEqual(
      [`${id} (${corpus.dirs.judgeStop})`, `${id} (${copy})`].sort(),
    );
    const decided = Object.values(looms.judgeStop.decisions).filter((d) => d.action !== null).length;
    for (const g of report.perSession) expect(g.decisions).toBe(decided);
    expect(report.overall.decisions).toBe(2 * decided);
    expect(report.warnings).toContainEqual(expect.stringContaining(`2 directories hold session ${id} (copies?)`));
  });

  it("skips a damaged session naming its file, and names a path or group key that is wrong", async () => {
    const broken = join(corpus.root, "broken", "cut");
    mkdirSync(broken, { recursive: true });
    const bytes = readFileSync(join(corpus.dirs.autoDefault, "loom.json"));
    writeFileSync(join(broken, "loom.json"), bytes.subarray(0, bytes.length >> 1));
    const report = await analyzeSessions([join(corpus.root, "broken"), corpus.dirs.autoDefault]);
    expect(report.perSession).toHaveLength(1);
    expect(report.skipped).toHaveLength(1);
    expect(report.skipped[0]!.path).toBe(broken);
    expect(report.skipped[0]!.error).toMatch(/loom\.json/);
    await expect(analyzeSessions([join(corpus.root, "nowhere")])).rejects.toThrow(/nowhere: no such directory/);
    await expect(analyzeSessions(["tree/*/zzz*"], { cwd: corpus.root })).rejects.toSatisfy(AnalysisError.isInstance);
    await expect(analyzeSessions([corpus.root], { groupBy: ["colour" as never] })).rejects.toThrow(
      /unknown group key "colour"/,
    );
  });

  const pairsOf = async (paths: string[], options: PairOptions = {}) => {
    const pairs: PreferencePair[] = [];
    const result = await exportPairs(paths, (p) => void pairs.push(p), options);
    return { pairs, result };
  };

  it("exports every choice against each differently-worded rejection, prompt = brief + text before the decision", async () => {
    const loom = looms.judgeStop;
    const { pairs, result } = await pairsOf([corpus.dirs.judgeStop]);
    let want = 0;
    for (const d of Object.values(loom.decisions)) {
      if (d.action !== "choose") continue;
      const chosen = loom.nodes[d.chosenNodeId!]!.text;
      want += new Set(d.candidateNodeIds.map((id) => loom.nodes[id]!.text).filter((t) => t !== chosen)).size;
    }
    expect(result).toEqual({ pairs: want, duplicates: 0, sessions: 1 });
    for (const p of pairs) {
      const d = loom.decisions[p.metadata.decision]!;
      expect(p.prompt).toBe(`Brief:\nTitle: The dog\n\n${nodeText(loom, d.parentNodeId)}`);
      expect(p.chosen).toBe(loom.nodes[d.chosenNodeId!]!.text);
      expect(p.rejected).not.toBe(p.chosen);
      const rejected = d.candidateNodeIds.find((id) => loom.nodes[id]!.text === p.rejected)!;
      expect(p.metadata).toMatchObject({
        session: loom.sessionId,
        chooser: d.chosenBy,
        reason: d.reason,
        logprobGap: d.logprobGap,
        chosenLogprob: d.chosenLogprob,
        rejectedLogprob: loom.nodes[rejected]!.stepLogprob,
      });
    }
    // The human's answer to the clarification is the one human choice.
    const human = await pairsOf([corpus.dirs.judgeStop], { choosers: ["human"], pairs: "one" });
    expect(human.pairs).toHaveLength(1);
    expect(human.pairs[0]!.metadata.reason).toBe("later, as a surprise");
  });

  it("keeps one pair per decision (the next-ranked rejection), filters by gap, and writes a copied session's pairs once", async () => {
    const loom = looms.judgeStop;
    const { pairs } = await pairsOf([corpus.dirs.judgeStop], {
      choosers: ["selector_llm"],
      pairs: "one",
      brief: false,
    });
    const judged = Object.values(loom.decisions).filter((d) => d.action === "choose" && d.chosenBy === "selector_llm");
    expect(pairs).toHaveLength(judged.length);
    for (const p of pairs) {
      const d = loom.decisions[p.metadata.decision]!;
      const chosen = loom.nodes[d.chosenNodeId!]!.text;
      const next = d.ranking!.find((id) => loom.nodes[id]!.text !== chosen)!;
      expect(p.rejected).toBe(loom.nodes[next]!.text);
      expect(p.prompt).toBe(nodeText(loom, d.parentNodeId));
    }
    const divergent = await pairsOf([join(corpus.root, "tree")], { maxGap: -1, pairs: "one" });
    const wantDivergent = Object.values(looms)
      .flatMap((l) => Object.values(l.decisions))
      .filter((d) => d.action === "choose" && d.logprobGap !== null && d.logprobGap <= -1).length;
    expect(divergent.pairs.length).toBeGreaterThan(0);
    expect(divergent.pairs.length).toBeLessThanOrEqual(wantDivergent);
    expect(divergent.pairs.every((p) => p.metadata.logprobGap! <= -1)).toBe(true);
    const copy = join(corpus.root, "copies", "again");
    mkdirSync(join(corpus.root, "copies"), { recursive: true });
    cpSync(corpus.dirs.judgeStop, copy, { recursive: true });
    const twice = await pairsOf([corpus.dirs.judgeStop, copy]);
    const once = await pairsOf([corpus.dirs.judgeStop]);
    expect(twice.result.pairs).toBe(once.result.pairs);
    expect(twice.result.duplicates).toBe(once.result.pairs);
  });
});
