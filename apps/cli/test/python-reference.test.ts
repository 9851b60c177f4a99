// Sessions of the seed's Python reference implementation, through the binary: imported whole and resumable, and exported back for its loader.
import { cpSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readSession } from "@loom/io";
import { unixSecondsOf } from "@loom/io/internal";
import { beforeAll, describe, expect, it } from "vitest";
import { MODEL, REPO, ensureBuilt, loom, scratch } from "./helpers.js";

/** A reference session (shape: see its SOURCE.md). */
const PY_FIXTURE = join(REPO, "packages/io/src/__fixtures__/python-session");

/** The reference's dataclass fields (loom/core/models.py of the seed): its loader takes exactly these. */
const NODE_FIELDS = [
  "id",
  "parent_id",
  "text",
  "full_text",
  "token_ids",
  "token_logprobs",
  "step_logprob",
  "decision_id",
  "was_chosen",
  "chosen_by",
  "selection_reason",
  "scores",
  "created_at",
  "meta",
];
const DECISION_FIELDS = [
  "id",
  "parent_node_id",
  "candidate_node_ids",
  "action",
  "chosen_node_id",
  "chosen_by",
  "reason",
  "clarification_question",
  "candidates_in_tension",
  "what_hinges_on_it",
  "human_response",
  "candidate_scores",
  "max_logprob",
  "chosen_logprob",
  "logprob_gap",
  "timestamp",
];
const LOOM_FIELDS = [
  "session_id",
  "root_id",
  "current_path",
  "held_paths",
  "brief",
  "config",
  "created_at",
  "nodes",
  "decision_events",
];

type PyLoom = {
  brief: string;
  config: Record<string, unknown>;
  created_at: number;
  nodes: Record<string, Record<string, any>>;
  decision_events: Record<string, Record<string, any>>;
} & Record<string, unknown>;
const readPy = (dir: string) => JSON.parse(readFileSync(join(dir, "loom.json"), "utf8")) as PyLoom;
const manifestOf = (dir: string) =>
  readFileSync(join(dir, "manifest.ndjson"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as Record<string, unknown>);

let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = scratch();
});

describe("importing a reference session keeps everything and can be resumed", () => {
  it("a free-text brief, an empty config, token ids and logprobs, microsecond timestamps", async () => {
    const src = join(dir, "py-free");
    cpSync(PY_FIXTURE, src, { recursive: true });
    const py = readPy(src);
    py.brief = "Write it like a liturgy.\nregister = liturgical\nvoice: plain, close";
    py.config = {}; // what the reference's Loom.create writes when given no config
    py.created_at = 1764000000.123456;
    py.nodes["c93a1f6e7b05"]!.created_at = 1764000004.987654;
    py.decision_events["5c0e7a9d2f14"]!.timestamp = 1764000004.654321;
    writeFileSync(join(src, "loom.json"), JSON.stringify(py));

    const dest = join(dir, "imported-free");
    const r = await loom(["import", src, "--dir", dest, "--json"], { dir });
    expect(r.code, r.stderr).toBe(0);
    const { loom: l } = await readSession(dest);
    expect(l.brief.notes).toBe(py.brief);
    expect(l.config.generator).toMatchObject({
      provider: "anthropic-cli-sim",
      segmentTokens: 6,
      branchingFactor: 8,
      temperature: 1,
      topP: 1,
      logprobs: 0,
    });
    expect(l.config.selector).toMatchObject({ mode: "agentic", showLogprobs: true });
    expect(l.config).toMatchObject({ maxTokensTotal: 1500, outputDir: "loom_sessions" });
    expect(r.stderr).toContain("claude-3-5-sonnet-latest");
    const node = l.nodes["c93a1f6e7b05"]!;
    expect(node.tokens!.toArray().map((t) => t.id)).toEqual(py.nodes["c93a1f6e7b05"]!.token_ids);
    expect(node.tokens!.toArray().map((t) => t.logprob)).toEqual(py.nodes["c93a1f6e7b05"]!.token_logprobs);
    expect(node.createdAt).toBe("2025-11-24T16:00:04.987654Z");
    expect(unixSecondsOf(node.createdAt)).toBeCloseTo(1764000004.987654, 6);
    expect(unixSecondsOf(l.decisions["5c0e7a9d2f14"]!.timestamp)).toBeCloseTo(1764000004.654321, 6);
    expect(unixSecondsOf(l.createdAt)).toBeCloseTo(1764000000.123456, 6);

    // Resumable: on the local engine (the reference's engine needs a key), past the reference's stop.
    const env = { LOOM_MODEL: MODEL };
    expect((await loom(["config", dest, "set", "generator.provider", "local"], { dir, env })).code).toBe(0);
    expect((await loom(["config", dest, "set", "generator.model", MODEL], { dir, env })).code).toBe(0);
    const ran = await loom(["run", dest, "--selector", "auto", "--max-steps", "2", "--continue"], { dir, env });
    expect(ran.code, ran.stderr).toBe(0);
    const after = (await readSession(dest)).loom;
    expect(after.currentPath.slice(0, l.currentPath.length)).toEqual(l.currentPath);
    expect(after.currentPath).toHaveLength(l.currentPath.length + 2);
  }, 90_000);
});

describe("loom export --format python-reference", () => {
  it("reference → Loom → reference keeps every node, decision, reason, score, logprob and clarification", async () => {
    const dest = join(dir, "imported");
    expect((await loom(["import", PY_FIXTURE, "--dir", dest], { dir })).code).toBe(0);
    const back = join(dir, "back-py");
    const r = await loom(["export", dest, "-f", "python-reference", "-o", back, "--json"], { dir });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(back).sort()).toEqual(["loom.json", "manifest.ndjson"]);

    const original = readPy(PY_FIXTURE);
    const exported = readPy(back);
    expect(Object.keys(exported).sort()).toEqual([...LOOM_FIELDS].sort());
    for (const n of Object.values(exported.nodes)) expect(Object.keys(n).sort()).toEqual([...NODE_FIELDS].sort());
    for (const d of Object.values(exported.decision_events))
      expect(Object.keys(d).sort()).toEqual([...DECISION_FIELDS].sort());

    for (const [id, d] of Object.entries(original.decision_events)) {
      const e = exported.decision_events[id]!;
      expect({ ...e, timestamp: 0 }).toEqual({ ...d, timestamp: 0 });
      expect(e.timestamp).toBeCloseTo(d.timestamp, 6);
    }
    for (const [id, n] of Object.entries(original.nodes)) {
      const e = exported.nodes[id]!;
      expect({ ...e, created_at: 0 }).toEqual({ ...n, created_at: 0 });
      expect(e.created_at).toBeCloseTo(n.created_at, 6);
    }
    for (const key of ["session_id", "root_id", "current_path", "held_paths"])
      expect(exported[key]).toEqual(original[key]);
    // The manifest: the reference's record per choose/stop, in order.
    const lines = manifestOf(back);
    expect(lines.map((l) => l["decision_id"])).toEqual(manifestOf(PY_FIXTURE).map((l) => l["decision_id"]));
    expect(lines.map((l) => ({ ...l, timestamp: 0 }))).toEqual(
      manifestOf(PY_FIXTURE).map((l) => ({ ...l, timestamp: 0 })),
    );

    // And Loom reads its own export back to the same session.
    const again = join(dir, "again");
    expect((await loom(["import", back, "--dir", again], { dir })).code).toBe(0);
    const [a, b] = [(await readSession(dest)).loom, (await readSession(again)).loom];
    expect(b.decisions).toEqual(a.decisions);
    expect(b.brief).toEqual(a.brief);
  });

  it("needs --out, and refuses a directory that is not empty", async () => {
    const src = join(dir, "imported");
    const noOut = await loom(["export", src, "-f", "python-reference"], { dir });
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain("--out DIR");
    const full = await loom(["export", src, "-f", "python-reference", "-o", join(dir, "back-py")], { dir });
    expect(full.code).toBe(1);
    expect(full.stderr).toContain("not empty");
  });
});
