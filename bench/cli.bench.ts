// Benchmark of the `loom` binary on long sessions of realistic nodes: the read-only commands at 100,001 nodes against `node -e 0` and `loom --version` in the same run (wall and CPU time), the same reads while a run has ops in the journal past the snapshot, and the JSON export's peak memory against the session's size at 100,000 and 200,000 nodes.
// Usage: pnpm bench cli (LOOM_BENCH_EXPORT=0 leaves out the two export measurements, which take minutes).
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addCandidates, choose, defaultEnv } from "@loom/core";
import { seededRandom } from "@loom/core/internal";
import { openSession } from "@loom/io";
import { realisticCandidate, writeRealisticSession } from "@loom/testkit";
import { median, nowMs, writeResults, type BenchResult } from "./report.js";

// 25,000 decisions of 4 candidates: 100,001 nodes, each 6 tokens with top-5 alternatives (issue 16 item 12).
const DECISIONS = 25_000;
const BRANCHING = 4;
const RUNS = Number(process.env["LOOM_BENCH_RUNS"] ?? 7);
const TARGET_MS = 300;
/** Decisions a run has made since its last snapshot, for the mid-run reads (a run compacts every few hundred). */
const JOURNAL_DECISIONS = 20;
const BIN = join(process.cwd(), "apps/cli/dist/bin.js");
/** Prints the process's peak RSS (KB) on stderr as it exits, whichever way it exits. */
const REPORT_RSS = `data:text/javascript,process.on("exit",()=>process.stderr.write("\\nmaxrss="+process.resourceUsage().maxRSS+"\\n"))`;
/** Prints the process's CPU time (user + system, µs) on stderr as it exits: a measure the machine's load barely moves. */
const REPORT_CPU = `data:text/javascript,process.on("exit",()=>{const u=process.cpuUsage();process.stderr.write("\\ncpu="+(u.user+u.system)+"\\n")})`;

interface Timing {
  /** Median wall time, ms. */
  wall: number;
  /** Median CPU time (user + system), ms. */
  cpu: number;
}

/** Runs `node args` RUNS times (one warm-up first, so every command meets the same warm file cache). */
function time(args: string[]): Timing {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const t = nowMs();
    const r = spawnSync(process.execPath, ["--import", REPORT_CPU, ...args], {
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
      maxBuffer: 1 << 30,
    });
    const wall = nowMs() - t;
    if (r.status !== 0) throw new Error(`${args.join(" ")} failed (${r.status}): ${r.stderr}`);
    if (i === 0) continue;
    walls.push(wall);
    cpus.push(Number(/cpu=(\d+)/.exec(r.stderr)?.[1]) / 1000);
  }
  return { wall: median(walls), cpu: median(cpus) };
}

/** `loom export -f json` into a file: its size (the session as plain JSON) and the process's peak RSS, in bytes. */
function exportJson(session: string, file: string): { bytes: number; rss: number; ms: number } {
  const fd = openSync(file, "w");
  const t = nowMs();
  try {
    const r = spawnSync(process.execPath, ["--import", REPORT_RSS, BIN, "export", session, "-f", "json"], {
      stdio: ["ignore", fd, "pipe"],
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`export failed (${r.status}): ${r.stderr}`);
    const rss = Number(/maxrss=(\d+)/.exec(r.stderr)?.[1]) * 1024;
    return { bytes: statSync(file).size, rss, ms: nowMs() - t };
  } finally {
    closeSync(fd);
  }
}

function exportResult(session: string, file: string, nodes: number): BenchResult {
  const e = exportJson(session, file);
  rmSync(file, { force: true });
  console.log(
    `export -f json of ${nodes} nodes: ${(e.bytes / 1e6).toFixed(0)} MB of JSON in ${(e.ms / 1000).toFixed(1)} s, peak RSS ${(e.rss / 1e6).toFixed(0)} MB`,
  );
  return {
    metric: "export -f json peak RSS",
    value: e.rss / 1e6,
    unit: "MB",
    params: { nodes, exportMB: Math.round(e.bytes / 1e6), seconds: Math.round(e.ms / 100) / 10 },
    // Baseline: the session's size as plain JSON (what the export writes); the target is twice that.
    baseline: e.bytes / 1e6,
    ratio: e.rss / e.bytes,
    target: "≤ 2× the session's uncompressed size",
    pass: e.rss <= 2 * e.bytes,
  };
}

/** The four reads issue 16 times, on one session. */
const READS: [string, (session: string) => string[]][] = [
  ["show", (s) => ["show", s]],
  ["stats", (s) => ["stats", s]],
  ["decisions --last 20", (s) => ["decisions", s, "--last", "20"]],
  ["tree", (s) => ["tree", s]],
];

function readResults(session: string, nodes: number, label: string, base: Timing, version: Timing): BenchResult[] {
  return READS.map(([metric, args]) => {
    const t = time([BIN, ...args(session)]);
    console.log(
      `${label}${metric}: ${t.wall.toFixed(0)} ms wall (${(t.wall / base.wall).toFixed(2)}× node -e 0, ` +
        `${(t.wall / version.wall).toFixed(2)}× loom --version), ${t.cpu.toFixed(0)} ms CPU (${(t.cpu / base.cpu).toFixed(2)}× node -e 0)`,
    );
    return {
      metric: `${label}${metric}`,
      value: t.wall,
      unit: "ms",
      params: {
        nodes,
        runs: RUNS,
        cpuMs: Math.round(t.cpu),
        baselineCpuMs: Math.round(base.cpu),
        cpuRatio: Math.round((t.cpu / base.cpu) * 100) / 100,
        versionMs: Math.round(version.wall),
        versionRatio: Math.round((t.wall / version.wall) * 100) / 100,
      },
      baseline: base.wall,
      ratio: t.wall / base.wall,
      target: `≤ ${TARGET_MS} ms`,
      pass: t.wall <= TARGET_MS,
    };
  });
}

/** Adds `decisions` realistic decisions through @loom/io and leaves the session open: its ops are in the journal only. */
async function runOnWithoutSnapshot(session: string, decisions: number) {
  const s = await openSession(session);
  const rand = seededRandom(7);
  const env = defaultEnv;
  for (let i = 0; i < decisions; i++) {
    const tip = s.loom.currentPath.at(-1)!;
    const added = s.mutate((l) =>
      addCandidates(
        l,
        tip,
        Array.from({ length: BRANCHING }, () => realisticCandidate(rand)),
        { env },
      ),
    );
    s.mutate((l) => choose(l, added.decisionId, added.nodeIds[0]!, "auto", "first", env));
  }
  return s;
}

const dir = mkdtempSync(join(tmpdir(), "loom-cli-bench-"));
try {
  const session = join(dir, "long");
  let t = nowMs();
  // Only the count is kept: the bench process should not hold one loom while the next is built.
  const nodes = Object.keys(
    (await writeRealisticSession(session, { decisions: DECISIONS, branching: BRANCHING })).nodes,
  ).length;
  console.log(`built a session of ${nodes} nodes in ${Math.round(nowMs() - t)} ms`);
  const base = time(["-e", "0"]);
  const version = time([BIN, "--version"]);
  console.log(`node -e 0: ${base.wall.toFixed(0)} ms wall, ${base.cpu.toFixed(0)} ms CPU`);
  console.log(
    `loom --version: ${version.wall.toFixed(0)} ms wall (${(version.wall / base.wall).toFixed(2)}×), ${version.cpu.toFixed(0)} ms CPU`,
  );
  const results: BenchResult[] = [
    {
      metric: "--version",
      value: version.wall,
      unit: "ms",
      params: { runs: RUNS, cpuMs: Math.round(version.cpu), baselineCpuMs: Math.round(base.cpu) },
      baseline: base.wall,
      ratio: version.wall / base.wall,
    },
    ...readResults(session, nodes, "", base, version),
  ];
  // A run in progress: ops past the snapshot are in the journal, so the stored digest no longer describes the session.
  const open = await runOnWithoutSnapshot(session, JOURNAL_DECISIONS);
  results.push(
    ...readResults(
      session,
      nodes + JOURNAL_DECISIONS * BRANCHING,
      `mid-run (${JOURNAL_DECISIONS} decisions in the journal) `,
      base,
      version,
    ),
  );
  await open.close();
  if (process.env["LOOM_BENCH_EXPORT"] !== "0") results.push(exportResult(session, join(dir, "export.json"), nodes));
  rmSync(session, { recursive: true, force: true });

  if (process.env["LOOM_BENCH_EXPORT"] !== "0") {
    // Twice the size: past what one string could hold as JSON with --json's wrapping (issue 16 item 12).
    const large = join(dir, "larger");
    t = nowMs();
    const bigNodes = Object.keys(
      (await writeRealisticSession(large, { decisions: 2 * DECISIONS, branching: BRANCHING })).nodes,
    ).length;
    console.log(`built a session of ${bigNodes} nodes in ${Math.round(nowMs() - t)} ms`);
    results.push(exportResult(large, join(dir, "export.json"), bigNodes));
  }
  writeResults("cli", results);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
