// Benchmark of @loom/io: commit latency, load time and disk size at 1k / 10k / 100k nodes against naive baselines; opening the current path and memory per node with realistic tokens.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { addCandidates, checkout, choose, createLoom, type Loom } from "@loom/core";
import { seededRandom } from "@loom/core/internal";
import { createSession, openSession, readCurrentPath, readSession } from "@loom/io";
import { SNAPSHOT_VERSION } from "@loom/io/internal";
import { realisticCandidate, realisticEnv, writeRealisticSession } from "@loom/testkit";
// Internal: the encoder's plainTokens option writes the version-2 token shape, the baseline of open-full-packed.
import { SnapshotEncoder } from "../packages/io/src/snapshot-codec.js";
import { runImportPyloom } from "./io-import.js";
import { median, nowMs, writeResults, type BenchResult } from "./report.js";

const SIZES = [1_000, 10_000, 100_000];
const BRANCHES = 8;
const SEGMENT_CHARS = 30;
const CHECKOUT_EVERY = 50;
/** Decisions timed at the end of growth (the loom is at its full size then). */
const TIMED_DECISIONS = 400;

const WORDS =
  "the a spider web of light thread wove under over silence and then it was holding heat token void hand".split(" ");
function segment(rand: () => number): string {
  let s = "";
  while (s.length < SEGMENT_CHARS) s += " " + WORDS[Math.floor(rand() * WORDS.length)];
  return s.slice(0, SEGMENT_CHARS);
}

function dirBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    total += entry.isDirectory() ? dirBytes(p) : statSync(p).size;
  }
  return total;
}

/** Size of the Python reference format (snake_case loom.json with every node's full text, plus its manifest), computed without building it. */
function pythonFormatBytes(loom: Loom, manifestBytes: number): number {
  const fullLen = new Map<string, number>();
  let bytes = 0;
  const created = Date.parse(loom.createdAt) / 1000;
  const order = Object.values(loom.nodes); // parents precede children in insertion order
  for (const n of order) {
    const len = (n.parentId === null ? 0 : fullLen.get(n.parentId)!) + Buffer.byteLength(n.text);
    fullLen.set(n.id, len);
    const record = {
      id: n.id,
      parent_id: n.parentId,
      text: n.text,
      full_text: "",
      token_ids: [],
      token_logprobs: [],
      step_logprob: n.stepLogprob,
      decision_id: n.decisionId,
      was_chosen: n.chosenBy !== null,
      chosen_by: n.chosenBy,
      selection_reason: n.selectionReason,
      scores: n.scores,
      created_at: created,
      meta: n.meta,
    };
    bytes += Buffer.byteLength(JSON.stringify(n.id)) + 1 + Buffer.byteLength(JSON.stringify(record)) + 1 + len;
  }
  for (const d of Object.values(loom.decisions)) {
    const record = {
      id: d.id,
      parent_node_id: d.parentNodeId,
      candidate_node_ids: d.candidateNodeIds,
      action: d.action,
      chosen_node_id: d.chosenNodeId,
      chosen_by: d.chosenBy,
      reason: d.reason,
      clarification_question: d.clarificationQuestion,
      candidates_in_tension: d.candidatesInTension,
      what_hinges_on_it: d.whatHingesOnIt,
      human_response: d.humanResponse,
      candidate_scores: d.candidateScores,
      max_logprob: d.maxLogprob,
      chosen_logprob: d.chosenLogprob,
      logprob_gap: d.logprobGap,
      timestamp: created,
    };
    bytes += Buffer.byteLength(JSON.stringify(d.id)) + 1 + Buffer.byteLength(JSON.stringify(record)) + 1;
  }
  return bytes + manifestBytes;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

async function runSize(nodes: number, root: string): Promise<BenchResult[]> {
  globalThis.gc?.();
  // Seeded, so every run grows the same looms.
  const rand = seededRandom(nodes);
  const env = realisticEnv();
  const dir = join(root, `s${nodes}`);
  const session = await createSession(
    dir,
    createLoom({ seed: "In the beginning the loom was", sessionId: `bench-${nodes}` }, env),
  );
  const nodeIds: string[] = [session.loom.rootId];
  const decisions = Math.ceil((nodes - 1) / BRANCHES);
  const timed = Math.min(TIMED_DECISIONS, Math.floor(decisions / 2));
  const commitMs: number[] = [];
  for (let i = 0; i < decisions; i++) {
    if (i > 0 && i % CHECKOUT_EVERY === 0) {
      const target = nodeIds[Math.floor(rand() * nodeIds.length)]!;
      session.mutate((l) => checkout(l, target));
    }
    const texts = Array.from({ length: BRANCHES }, () => ({ text: segment(rand), stepLogprob: -rand() * 20 }));
    const pick = Math.floor(rand() * BRANCHES);
    const t0 = nowMs();
    const tip = session.loom.currentPath[session.loom.currentPath.length - 1]!;
    const added = session.mutate((l) => addCandidates(l, tip, texts, { env }));
    session.mutate((l) => choose(l, added.decisionId, added.nodeIds[pick]!, "auto", "bench", env));
    const dt = nowMs() - t0;
    if (i >= decisions - timed) commitMs.push(dt);
    nodeIds.push(...added.nodeIds);
    // Let background compaction run as it would between decisions in a real session.
    if (i % 20 === 0) await tick();
  }
  const total = Object.keys(session.loom.nodes).length;
  await session.close();
  nodeIds.length = 0;

  // Baseline commit: rewrite the whole loom (segments only) as one JSON file, as PyLoom/Loomsidian/Tapestry save.
  const wholeFile = join(root, `whole-${nodes}.json`);
  const rewriteMs: number[] = [];
  const reps = nodes >= 100_000 ? 5 : 15;
  let python = 0;
  {
    const { loom } = await readSession(dir);
    for (let r = 0; r < reps; r++) {
      const t0 = nowMs();
      writeFileSync(wholeFile, JSON.stringify(loom));
      rewriteMs.push(nowMs() - t0);
    }
    python = pythonFormatBytes(loom, statSync(join(dir, "manifest.ndjson")).size);
  }

  const loadMs: number[] = [];
  const parseMs: number[] = [];
  for (let r = 0; r < 3; r++) {
    globalThis.gc?.();
    let t0 = nowMs();
    const s = await openSession(dir);
    loadMs.push(nowMs() - t0);
    await s.close();
    globalThis.gc?.();
    t0 = nowMs();
    JSON.parse(readFileSync(wholeFile, "utf8"));
    parseMs.push(nowMs() - t0);
  }

  const disk = dirBytes(dir);
  const params = { nodes: total };
  const commit = median(commitMs);
  const rewrite = median(rewriteMs);
  const load = median(loadMs);
  const parse = median(parseMs);
  const out: BenchResult[] = [
    { metric: "commit-decision", value: commit, unit: "ms", params, baseline: rewrite, ratio: rewrite / commit },
    { metric: "load-session", value: load, unit: "ms", params, baseline: parse, ratio: parse / load },
    { metric: "disk-bytes", value: disk, unit: "bytes", params, baseline: python, ratio: python / disk },
  ];
  if (nodes === 100_000) {
    out[0]!.target = "median ≤ 1 ms and ratio ≥ 100";
    out[0]!.pass = commit <= 1 && rewrite / commit >= 100;
    out[1]!.target = "≤ 1000 ms";
    out[1]!.pass = load <= 1000;
  }
  if (nodes === 10_000) {
    out[2]!.target = "ratio ≥ 20";
    out[2]!.pass = python / disk >= 20;
  }
  console.log(
    `grew ${total} nodes; commit p50 ${commit.toFixed(3)} ms over the last ${commitMs.length} decisions; max ${Math.max(...commitMs).toFixed(1)} ms`,
  );
  return out;
}

async function growRealistic(dir: string, nodes: number, tokens: number, top: number): Promise<number> {
  const rand = seededRandom(nodes + tokens);
  const env = realisticEnv();
  const session = await createSession(
    dir,
    createLoom({ seed: "In the beginning the loom was", sessionId: `real-${nodes}` }, env),
  );
  const decisions = Math.ceil((nodes - 1) / BRANCHES);
  for (let i = 0; i < decisions; i++) {
    const tip = session.loom.currentPath[session.loom.currentPath.length - 1]!;
    const added = session.mutate((l) =>
      addCandidates(
        l,
        tip,
        Array.from({ length: BRANCHES }, () => realisticCandidate(rand, { tokens, top })),
        { env },
      ),
    );
    if (i < decisions - 1)
      session.mutate((l) =>
        choose(l, added.decisionId, added.nodeIds[Math.floor(rand() * BRANCHES)]!, "auto", "bench", env),
      );
    if (i % 20 === 0) await tick();
  }
  const total = Object.keys(session.loom.nodes).length;
  await session.close();
  return total;
}

/** Heap per node after a full open, and with plain token objects as the baseline: see io-memory.ts (its own process). */
function memoryPerNode(dir: string): { packed: number; plain: number } {
  const script = join(dirname(fileURLToPath(import.meta.url)), "io-memory.ts");
  const r = spawnSync(process.execPath, ["--import", "tsx", "--expose-gc", script, dir], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`io-memory failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { packed: number; plain: number };
}

/**
 * The same session with its tokens written otherwise: as arrays of token objects (the record shape of format
 * 2, which later formats still read; the baseline for packed tokens), or packed inside the node records (format
 * 4's layout; the baseline for format 5's token frames), in the same run.
 */
async function writeTokenCopy(
  dir: string,
  into: string,
  layout: { plainTokens: true } | { tokenFrames: false },
): Promise<void> {
  const reader = await openSession(dir, { readOnly: true });
  const { loom, seq } = reader;
  await reader.close();
  const manifest = readFileSync(join(dir, "manifest.ndjson"));
  const pieces = await new SnapshotEncoder(layout).encode(seq, loom, { manifestBytes: manifest.length }).finish();
  mkdirSync(into);
  writeFileSync(join(into, "loom.json"), Buffer.concat(pieces));
  writeFileSync(join(into, "journal.ndjson"), "");
  writeFileSync(join(into, "manifest.ndjson"), manifest);
}

/** Wall and CPU milliseconds of a full open (CPU beside wall: on a shared machine the two part ways). */
async function timeFullOpen(dir: string): Promise<{ wall: number; cpu: number }> {
  globalThis.gc?.();
  const t0 = nowMs();
  const c0 = process.cpuUsage();
  await readSession(dir);
  const c = process.cpuUsage(c0);
  return { wall: nowMs() - t0, cpu: (c.user + c.system) / 1000 };
}

/** Opening what a reader needs (the current path and its open decision) against a full open, and memory per node after a full open. */
async function runRealistic(root: string, nodes: number, tokens: number, top: number): Promise<BenchResult[]> {
  const dir = join(root, `real-${nodes}-${tokens}x${top}`);
  const total = await growRealistic(dir, nodes, tokens, top);
  const params = { nodes: total, tokens, top };
  const memory = memoryPerNode(dir);
  const pathMs: number[] = [];
  const fullMs: number[] = [];
  for (let r = 0; r < 3; r++) {
    globalThis.gc?.();
    let t0 = nowMs();
    const view = await readCurrentPath(dir);
    pathMs.push(nowMs() - t0);
    if (view.read !== "path-frames" || view.open === null)
      throw new Error("the bench session should open from its path frames, with an open decision");
    globalThis.gc?.();
    t0 = nowMs();
    await readSession(dir);
    fullMs.push(nowMs() - t0);
  }
  const path = median(pathMs);
  const full = median(fullMs);
  const snapshotBytes = statSync(join(dir, "loom.json")).size;
  // Packed tokens (format 3) against the same loom with token objects (format 2's records), alternated.
  const plainDir = `${dir}-plain`;
  await writeTokenCopy(dir, plainDir, { plainTokens: true });
  // Token lists packed inside the node records (format 4's layout) against token frames (format 5), alternated.
  const inRecordsDir = `${dir}-in-records`;
  await writeTokenCopy(dir, inRecordsDir, { tokenFrames: false });
  const packedRuns: { wall: number; cpu: number }[] = [];
  const plainRuns: { wall: number; cpu: number }[] = [];
  const inRecordsRuns: { wall: number; cpu: number }[] = [];
  for (let r = 0; r < 3; r++) {
    packedRuns.push(await timeFullOpen(dir));
    plainRuns.push(await timeFullOpen(plainDir));
    inRecordsRuns.push(await timeFullOpen(inRecordsDir));
  }
  const packedCpu = median(packedRuns.map((x) => x.cpu));
  const plainCpu = median(plainRuns.map((x) => x.cpu));
  const inRecordsCpu = median(inRecordsRuns.map((x) => x.cpu));
  const plainBytes = statSync(join(plainDir, "loom.json")).size;
  const inRecordsBytes = statSync(join(inRecordsDir, "loom.json")).size;
  rmSync(plainDir, { recursive: true, force: true });
  rmSync(inRecordsDir, { recursive: true, force: true });
  console.log(
    `full open CPU: ${packedCpu.toFixed(0)} ms with token frames (snapshot ${(snapshotBytes / 1e6).toFixed(1)} MB) vs ${inRecordsCpu.toFixed(0)} ms packed in the records (${(inRecordsBytes / 1e6).toFixed(1)} MB) vs ${plainCpu.toFixed(0)} ms with token objects (${(plainBytes / 1e6).toFixed(1)} MB)`,
  );
  console.log(
    `realistic ${total} nodes (${tokens} tokens, top-${top}): snapshot ${(snapshotBytes / 1e6).toFixed(1)} MB; current path ${path.toFixed(1)} ms, full open ${full.toFixed(0)} ms; ${memory.packed.toFixed(0)} bytes of heap per node (${memory.plain.toFixed(0)} with plain token objects)`,
  );
  const out: BenchResult[] = [
    { metric: "open-current-path", value: path, unit: "ms", params, baseline: full, ratio: full / path },
    // Baseline: the figure for the build before (55 µs per node), scaled to this size.
    { metric: "open-full", value: full, unit: "ms", params, baseline: total * 0.055, ratio: (total * 0.055) / full },
    {
      metric: "open-full-packed-tokens-cpu",
      value: packedCpu,
      unit: "ms",
      params: { ...params, snapshotBytes, plainSnapshotBytes: plainBytes },
      baseline: plainCpu,
      ratio: plainCpu / packedCpu,
    },
    {
      metric: "open-full-token-frames-cpu",
      value: packedCpu,
      unit: "ms",
      params: { ...params, snapshotBytes, inRecordsSnapshotBytes: inRecordsBytes },
      baseline: inRecordsCpu,
      ratio: inRecordsCpu / packedCpu,
    },
    {
      metric: "memory-per-node",
      value: memory.packed,
      unit: "bytes",
      params,
      baseline: memory.plain,
      ratio: memory.plain / memory.packed,
    },
  ];
  if (nodes === 100_000 && tokens === 6) {
    out[0]!.target = "≤ 300 ms";
    out[0]!.pass = path <= 300;
    out[4]!.target = "≤ 1500 bytes";
    out[4]!.pass = memory.packed <= 1500;
  }
  return out;
}

/**
 * A full open of 1,000,000 realistic nodes (only with --large). The session is written by testkit's
 * writeRealisticSession (the loom built in memory, then one snapshot: 125,000 decisions of 8 candidates of 6
 * tokens with top-5, seeded) rather than grown through the persisted loop: what is measured is the open, and
 * the loop's journaling of a million nodes only made the bench too long to run.
 */
async function runLarge(root: string): Promise<BenchResult[]> {
  // LOOM_BENCH_CACHE=<dir>: the session is written there once (it takes minutes) and reused by later runs, which
  // measure the open alone. A session of the same shape: the writer is seeded, and the folder's name carries the shape
  // and the snapshot format it was written in (a cache of an older format would measure that format's reader).
  const cache = process.env["LOOM_BENCH_CACHE"];
  const dir = cache ? join(cache, `io-real-1m-125000x8-seed3-v${SNAPSHOT_VERSION}`) : join(root, "real-1m");
  // Counted from the open when the session is reused.
  let total: number | null = null;
  if (cache && existsSync(join(dir, "loom.json")) && !existsSync(join(dir, "lock"))) {
    console.log(`reusing the session in ${dir}`);
  } else {
    rmSync(dir, { recursive: true, force: true });
    total = Object.keys(
      (await writeRealisticSession(dir, { decisions: 125_000, branching: BRANCHES, seed: 3 })).nodes,
    ).length;
  }
  globalThis.gc?.();
  const t0 = nowMs();
  const cpu0 = process.cpuUsage();
  const { loom } = await readSession(dir);
  const full = nowMs() - t0;
  const cpu = process.cpuUsage(cpu0);
  total ??= Object.keys(loom.nodes).length;
  // CPU time of the open, beside the wall time: on a shared machine the two part ways.
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const snapshotBytes = statSync(join(dir, "loom.json")).size;
  console.log(
    `realistic ${total} nodes: snapshot ${(snapshotBytes / 1e6).toFixed(1)} MB; full open ${(full / 1000).toFixed(2)} s, ${(cpuMs / 1000).toFixed(2)} CPU-s (${Object.keys(loom.nodes).length} nodes)`,
  );
  const baseline = total * 0.055;
  return [
    {
      metric: "open-full",
      value: full,
      unit: "ms",
      params: { nodes: total, tokens: 6, top: 5, cpuMs: Math.round(cpuMs) },
      baseline,
      ratio: baseline / full,
      target: "≤ 10000 ms",
      pass: full <= 10_000,
    },
  ];
}

// --large adds open-full at 1,000,000 realistic nodes (LOOM_BENCH_CACHE=<dir> writes its session there once and reuses it);
// --realistic-only skips the segment-only sizes and writes nothing (for iterating);
// --import-only measures import-pyloom alone and replaces only its entry in bench/results/io.json.
const large = process.argv.includes("--large") || process.env.LOOM_BENCH_LARGE === "1";
// --large-only measures open-full at 1,000,000 nodes alone. Both --realistic-only and --large-only replace only the
// entries they measured (same metric and size) in bench/results/io.json, keeping the rest.
const largeOnly = process.argv.includes("--large-only");
const realisticOnly = process.argv.includes("--realistic-only") || largeOnly;
const importOnly = process.argv.includes("--import-only");
const root = mkdtempSync(join(tmpdir(), "loom-io-bench-"));
if (importOnly) {
  const file = new URL("./results/io.json", import.meta.url);
  const kept = (JSON.parse(readFileSync(file, "utf8")) as BenchResult[]).filter((r) => r.metric !== "import-pyloom");
  writeResults("io", [...kept, ...runImportPyloom()]);
  rmSync(root, { recursive: true, force: true });
  process.exit(0);
}
try {
  const results: BenchResult[] = [];
  // Written after each part, so a long run (--large) leaves what it measured even if stopped.
  const add = (more: BenchResult[]) => {
    results.push(...more);
    if (!realisticOnly) return writeResults("io", results);
    console.table(more);
    const file = new URL("./results/io.json", import.meta.url);
    const same = (a: BenchResult, b: BenchResult) =>
      a.metric === b.metric &&
      a.params?.["nodes"] === b.params?.["nodes"] &&
      a.params?.["tokens"] === b.params?.["tokens"];
    const kept = (JSON.parse(readFileSync(file, "utf8")) as BenchResult[]).filter(
      (r) => !results.some((m) => same(r, m)),
    );
    writeResults("io", [...kept, ...results]);
  };
  // Realistic nodes (DESIGN §6): 6 tokens with top-5 at 100k nodes (and 1M with --large), and one case of
  // 32 tokens with top-20; then the segment-only sizes against naive baselines.
  if (!largeOnly) add(await runRealistic(root, 100_000, 6, 5));
  if (large || largeOnly) add(await runLarge(root));
  if (!largeOnly) add(await runRealistic(root, 10_000, 32, 20));
  if (!realisticOnly) for (const n of SIZES) add(await runSize(n, root));
  if (!realisticOnly) add(runImportPyloom());
} finally {
  rmSync(root, { recursive: true, force: true });
}
