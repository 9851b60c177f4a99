// `loom rejudge` through the built binary over sessions the real loop made (local engine; auto and scripted selectors): auto and LLM judges (the LLM on the strict Anthropic replay server), resuming, the sessions left unchanged.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { nodeText, type DecisionEvent, type Loom } from "@loom/core";
import { readSession } from "@loom/io";
import { ANTHROPIC_RULES, startStrictReplayServer, type RecordedRequest, type StrictReplayServer } from "@loom/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCorpus, MODEL, type Corpus } from "../../../packages/analysis/src/test-support/real-sessions.js";
import { ensureBuilt, loom } from "./helpers.js";

let corpus: Corpus;
let tree: string;
let looms: Loom[];
let server: StrictReplayServer;
const env = { LOOM_CUSTOM_API_KEY: "sk-test-rejudge" };

/** The decisions a judge can look at again, computed here: resolved (choose or stop), candidates present. */
const replayable = (l: Loom) =>
  Object.values(l.decisions).filter(
    (d) => (d.action === "choose" || d.action === "stop") && d.candidateNodeIds.every((id) => id in l.nodes),
  );

/** The base model's favourite: the highest step logprob, the first offered on a tie. */
function favourite(l: Loom, d: DecisionEvent): string {
  let best = d.candidateNodeIds[0]!;
  for (const id of d.candidateNodeIds)
    if ((l.nodes[id]!.stepLogprob ?? -Infinity) > (l.nodes[best]!.stepLogprob ?? -Infinity)) best = id;
  return best;
}

const verdictLines = (dir: string) =>
  existsSync(join(dir, "state", "rejudge.ndjson"))
    ? readFileSync(join(dir, "state", "rejudge.ndjson"), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];

/** Hashes of every file of the session but its re-judgement record. */
function sessionHashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name !== "rejudge.ndjson") out[p] = createHash("sha256").update(readFileSync(p)).digest("hex");
    }
  };
  walk(dir);
  return out;
}

type V = { action: string; choice: string | null; ranking: string[] | null };

/** The ranking by logprob, best first, the first offered on a tie (what the auto judge ranks by). */
const byLogprob = (l: Loom, d: DecisionEvent) =>
  d.candidateNodeIds
    .map((id, i) => ({ id, i, lp: l.nodes[id]!.stepLogprob ?? -Infinity }))
    .sort((a, b) => b.lp - a.lp || a.i - b.i)
    .map((x) => x.id);

/** Every rater's verdict on a decision, worked out here from the loom (not read from the record). */
function ratersOf(l: Loom, d: DecisionEvent, llm: boolean): Map<string, V> {
  const m = new Map<string, V>();
  if ((d.action === "choose" || d.action === "stop") && d.chosenBy)
    m.set(`recorded ${d.chosenBy}`, { action: d.action, choice: d.chosenNodeId, ranking: d.ranking });
  if (!replayable(l).includes(d)) return m;
  m.set("auto", { action: "choose", choice: favourite(l, d), ranking: byLogprob(l, d) });
  if (llm)
    m.set("anthropic:claude-sonnet-5-5", {
      action: "choose",
      choice: d.candidateNodeIds.at(-1)!,
      ranking: [...d.candidateNodeIds].reverse(),
    });
  return m;
}

/** Kendall's tau by counting: over pairs of items both ranked, +1 when the two orders agree, −1 when not. */
function tau(x: string[], y: string[]): number | null {
  const common = x.filter((id) => y.includes(id));
  let score = 0;
  let pairs = 0;
  for (let i = 0; i < common.length; i++)
    for (let j = i + 1; j < common.length; j++) {
      pairs++;
      score += Math.sign(y.indexOf(common[j]!) - y.indexOf(common[i]!));
    }
  return pairs ? score / pairs : null;
}

/** The LLM judge: the last candidate it was shown, ranked last-shown first (a record_decision tool call, as the API documents tool use). */
function lastShown(request: RecordedRequest) {
  const user = (request.json as { messages: { content: string }[] }).messages[0]!.content;
  const ids = [...user.matchAll(/^\[(n_[0-9a-f]+)\]/gm)].map((m) => m[1]!);
  const ranking = [...ids].reverse();
  return {
    body: {
      id: `msg_01Rejudge${server.requests.length}`,
      type: "message",
      role: "assistant",
      model: "claude-sonnet-5-5",
      content: [
        {
          type: "tool_use",
          id: `toolu_01Rejudge${server.requests.length}`,
          name: "record_decision",
          input: { decision: { action: "choose", choice: ranking[0], ranking, reason: "the last one reads freshest" } },
        },
      ],
      stop_reason: "tool_use",
      stop_sequence: null,
      usage: { input_tokens: 700, output_tokens: 80, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    },
  };
}

describe.skipIf(!existsSync(MODEL))("loom rejudge", () => {
  beforeAll(async () => {
    ensureBuilt();
    corpus = await buildCorpus();
    tree = join(corpus.root, "tree");
    looms = await Promise.all(Object.values(corpus.dirs).map(async (d) => (await readSession(d)).loom));
    server = await startStrictReplayServer(ANTHROPIC_RULES);
    server.setFallback(lastShown);
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    rmSync(corpus.root, { recursive: true, force: true });
  });

  it("auto: the favourite of every resolved decision, stored beside each session, which is not changed; a rerun judges nothing", async () => {
    const before = Object.values(corpus.dirs).map(sessionHashes);
    const r = await loom(["rejudge", tree, "--selector", "auto", "--json"], { dir: corpus.root });
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    const total = looms.reduce((n, l) => n + replayable(l).length, 0);
    expect(total).toBeGreaterThan(20);
    expect(summary).toMatchObject({ judge: "auto", decisions: total, judged: total, resumed: 0, failed: 0 });
    Object.values(corpus.dirs).forEach((dir, i) => {
      const l = looms[i]!;
      const lines = verdictLines(dir);
      expect(lines.map((x) => x.decisionId).sort()).toEqual(
        replayable(l)
          .map((d) => d.id)
          .sort(),
      );
      for (const line of lines) {
        const d = l.decisions[line.decisionId]!;
        expect(line).toMatchObject({
          judge: "auto",
          sessionId: l.sessionId,
          parentNodeId: d.parentNodeId,
          error: null,
        });
        expect(line.candidateNodeIds).toEqual(d.candidateNodeIds);
        expect(line.verdict.choice).toBe(favourite(l, d));
      }
    });
    expect(Object.values(corpus.dirs).map(sessionHashes)).toEqual(before);

    const again = await loom(["rejudge", tree, "--selector", "auto", "--json"], { dir: corpus.root });
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ judged: 0, resumed: total });
    expect(verdictLines(corpus.dirs.autoDefault)).toHaveLength(replayable(looms[0]!).length);
  });

  it("resumes after a crash mid-write: the torn line is cut, only the missing decisions are judged", async () => {
    const dir = corpus.dirs.judgeStop;
    const file = join(dir, "state", "rejudge.ndjson");
    const all = readFileSync(file, "utf8");
    const keep = all.split("\n").slice(0, 3).join("\n").length + 1;
    // Three whole lines, then half of the fourth (as a kill -9 mid-append leaves it).
    truncateSync(file, keep + 40);
    const r = await loom(["rejudge", dir, "--selector", "auto", "--json"], { dir: corpus.root });
    expect(r.code, r.stderr).toBe(0);
    const want = replayable(looms[2]!).length;
    expect(JSON.parse(r.stdout)).toMatchObject({ judged: want - 3, resumed: 3 });
    const lines = verdictLines(dir);
    expect(lines).toHaveLength(want);
    expect(new Set(lines.map((l) => l.decisionId)).size).toBe(want);
  });

  it("an LLM judge on the replay server sees each decision's text, candidates and clarification; usage and cost are summed", async () => {
    const judged = [corpus.dirs.judgeStop, corpus.dirs.judgeWaiting];
    const ls = [looms[2]!, looms[3]!];
    const want = ls.reduce((n, l) => n + replayable(l).length, 0);
    const r = await loom(
      [
        ...["rejudge", ...judged, "--selector", "stateless", "--selector-model", "claude-sonnet-5-5"],
        ...["--selector-base-url", server.url, "--price", "3,15", "--concurrency", "3", "--json"],
      ],
      { dir: corpus.root, env },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(server.requests).toHaveLength(want);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ judge: "anthropic:claude-sonnet-5-5", judged: want, failed: 0 });
    expect(summary.usage).toEqual([
      {
        provider: "anthropic",
        model: "claude-sonnet-5-5",
        inputTokens: 700 * want,
        outputTokens: 80 * want,
        requests: want,
        costUsd: expect.closeTo((want * (700 * 3 + 80 * 15)) / 1e6, 12),
      },
    ]);
    const prompts = server.requests.map((q) => (q.json as { messages: { content: string }[] }).messages[0]!.content);
    judged.forEach((dir, i) => {
      const l = ls[i]!;
      const lines = verdictLines(dir).filter((x) => x.judge === "anthropic:claude-sonnet-5-5");
      expect(lines).toHaveLength(replayable(l).length);
      for (const line of lines) {
        const d = l.decisions[line.decisionId]!;
        expect(line.verdict.choice).toBe(d.candidateNodeIds.at(-1));
        expect(line.usage).toHaveLength(1);
        // The request for this decision: it lists exactly its candidates, and shows the text before it.
        const prompt = prompts.find((p) => d.candidateNodeIds.every((id) => p.includes(`[${id}]`)))!;
        expect(prompt).toBeDefined();
        expect(prompt).toContain(nodeText(l, d.parentNodeId).slice(-30));
        expect(line.withClarification).toBe(d.humanResponse !== null);
        if (d.humanResponse !== null) expect(prompt).toContain(d.humanResponse);
      }
    });
    expect(ls[0]!.decisions).toSatisfy((ds: Loom["decisions"]) =>
      Object.values(ds).some((d) => d.humanResponse !== null),
    );
  });

  it("analyze --agreement compares recorded choosers and judges; export-pairs keeps the pairs a judge agreed with or disputed", async () => {
    const r = await loom(["analyze", tree, "--agreement", "--group-by", "selector", "--json"], { dir: corpus.root });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    const want = new Map<string, { n: number; agreed: number; taus: number[] }>();
    looms.forEach((l, i) => {
      for (const d of Object.values(l.decisions)) {
        const raters = [...ratersOf(l, d, i >= 2).entries()].sort(([a], [b]) => (a < b ? -1 : 1));
        for (let x = 0; x < raters.length; x++)
          for (let y = x + 1; y < raters.length; y++) {
            const [a, va] = raters[x]!;
            const [b, vb] = raters[y]!;
            const w = want.get(`${a}|${b}`) ?? { n: 0, agreed: 0, taus: [] };
            want.set(`${a}|${b}`, w);
            w.n++;
            if (va.action === vb.action && va.choice === vb.choice) w.agreed++;
            const t = va.ranking && vb.ranking ? tau(va.ranking, vb.ranking) : null;
            if (t !== null) w.taus.push(t);
          }
      }
    });
    expect(report.raters).toEqual([
      "recorded auto",
      "recorded human",
      "recorded selector_llm",
      "anthropic:claude-sonnet-5-5",
      "auto",
    ]);
    const met = report.overall.pairs.filter((p: { decisions: number }) => p.decisions > 0);
    expect(met.map((p: { a: string; b: string }) => `${p.a}|${p.b}`).sort()).toEqual([...want.keys()].sort());
    for (const p of met) {
      const w = want.get(`${p.a}|${p.b}`)!;
      expect([p.decisions, p.agreed, p.ranked]).toEqual([w.n, w.agreed, w.taus.length]);
      expect(p.agreement).toBeCloseTo(w.agreed / w.n, 12);
      if (w.taus.length) expect(p.kendallTau).toBeCloseTo(w.taus.reduce((a, b) => a + b, 0) / w.taus.length, 12);
    }
    // The auto sessions' own chooser is the auto judge's rule: full agreement, identical rankings.
    const autoGroup = report.groups.find((g: { label: string }) => g.label === "auto");
    expect(autoGroup.pairs).toContainEqual(
      expect.objectContaining({ a: "auto", b: "recorded auto", agreement: 1, kendallTau: 1 }),
    );
    // The LLM judge disagrees with the base model's favourite somewhere: agreement is measured, not assumed.
    const llmVsAuto = want.get("anthropic:claude-sonnet-5-5|auto")!;
    expect(llmVsAuto.agreed).toBeLessThan(llmVsAuto.n);

    const table = await loom(["analyze", tree, "--agreement"], { dir: corpus.root });
    expect(table.code, table.stderr).toBe(0);
    const w = want.get("auto|recorded selector_llm")!;
    expect(table.stdout).toMatch(new RegExp(`\\[\\d\\] auto .* ${((w.agreed / w.n) * 100).toFixed(0)}% \\(${w.n}\\)`));
    const csv = await loom(["analyze", tree, "--agreement", "--csv"], { dir: corpus.root });
    expect(csv.stdout.split("\r\n")[0]).toBe("rater_a,rater_b,decisions,agreed,agreement,ranked,kendall_tau");

    const pairsOf = async (...flags: string[]) => {
      const file = join(corpus.root, `pairs-${flags.join("")}.jsonl`);
      const x = await loom(["export-pairs", tree, "--pairs", "one", "-o", file, ...flags], { dir: corpus.root });
      expect(x.code, x.stderr).toBe(0);
      return readFileSync(file, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line).metadata as { sessionDir: string; decision: string });
    };
    const every = await pairsOf();
    const agreed = await pairsOf("--agreed-by", "auto");
    const disputed = await pairsOf("--disputed-by", "auto");
    expect(agreed.length).toBeGreaterThan(0);
    expect(disputed.length).toBeGreaterThan(0);
    expect(agreed.length + disputed.length).toBe(every.length);
    const dirs = Object.values(corpus.dirs);
    const chosenIsFavourite = (m: { sessionDir: string; decision: string }) => {
      const l = looms[dirs.indexOf(m.sessionDir)]!;
      const d = l.decisions[m.decision]!;
      return d.chosenNodeId === favourite(l, d);
    };
    expect(agreed.every(chosenIsFavourite)).toBe(true);
    expect(disputed.some(chosenIsFavourite)).toBe(false);
    const both = await loom(["export-pairs", tree, "--agreed-by", "auto", "--disputed-by", "auto"], {
      dir: corpus.root,
    });
    expect(both.code).toBe(2);
  });

  it("a refused key stops the run at once, keeps what was judged, and says so; bad flags are named", async () => {
    const before = server.requests.length;
    server.setFallback({
      status: 401,
      body: { type: "error", error: { type: "authentication_error", message: "invalid x-api-key" } },
    });
    const r = await loom(
      [
        ...["rejudge", corpus.dirs.autoDefault, "--selector", "stateless", "--selector-model", "claude-sonnet-5-5"],
        ...["--selector-base-url", server.url, "--concurrency", "1", "--as", "refused"],
      ],
      { dir: corpus.root, env },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the judge stopped");
    expect(server.requests.length - before).toBeLessThanOrEqual(2);
    const failedLines = verdictLines(corpus.dirs.autoDefault).filter((x) => x.judge === "refused");
    expect(failedLines.every((x) => x.verdict === null && x.error)).toBe(true);

    const noSel = await loom(["rejudge", tree], { dir: corpus.root });
    expect(noSel.code).toBe(2);
    expect(noSel.stderr).toContain("--selector auto, random or stateless");
    const noModel = await loom(["rejudge", tree, "--selector", "stateless"], { dir: corpus.root });
    expect(noModel.code).toBe(2);
    expect(noModel.stderr).toContain("--selector-model");
    const price = await loom(["rejudge", tree, "--selector", "auto", "--price", "3"], { dir: corpus.root });
    expect(price.code).toBe(2);
    writeFileSync(join(corpus.dirs.autoBudget, "state", "rejudge.ndjson"), '{"format":"loom-rejudge"}\n');
    const damaged = await loom(["rejudge", corpus.dirs.autoBudget, "--selector", "auto"], { dir: corpus.root });
    expect(damaged.code).toBe(1);
    expect(damaged.stderr).toMatch(/skipped .*lily-2.*rejudge\.ndjson:1 .*no checksum/);
    expect(damaged.stderr).toContain("1 session could not be read");
  });
});
