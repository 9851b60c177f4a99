// Benchmark of the `loom` binary on long sessions of realistic nodes: the read-only commands at 100,000 nodes against `node -e 0` in the same run, and the JSON export's peak memory against the session's size at 100,000 and 200,000 nodes.
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeRealisticSession } from "@loom/testkit";
import { median, nowMs, writeResults, type BenchResult } from "./report.js";

// 25,000 decisions of 4 candidates: 100,001 nodes, each 6 tokens with top-5 alternatives (issue 16 item 12).
const DECISIONS = 25_000;
const BRANCHING = 4;
const RUNS = 5;
const TARGET_MS = 300;
const BIN = join(process.cwd(), "apps/cli/dist/bin.js");
/** Prints the process's peak RSS (KB) on stderr as it exits, whichever way it exits. */
const REPORT_RSS = `data:text/javascript,process.on("exit",()=>process.stderr.write("\\nmaxrss="+process.resourceUsage().maxRSS+"\\n"))`;

function wall(args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = nowMs();
    const r = spawnSync(process.execPath, args, {
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
      maxBuffer: 1 << 30,
    });
    times.push(nowMs() - t);
    if (r.status !== 0) throw new Error(`${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  }
  return median(times);
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

const dir = mkdtempSync(join(tmpdir(), "loom-cli-bench-"));
try {
  const session = join(dir, "long");
  let t = nowMs();
  // Only the count is kept: the bench process should not hold one loom while the next is built.
  const nodes = Object.keys(
    (await writeRealisticSession(session, { decisions: DECISIONS, branching: BRANCHING })).nodes,
  ).length;
  console.log(`built a session of ${nodes} nodes in ${Math.round(nowMs() - t)} ms`);
  const baseline = wall(["-e", "0"]);
  const commands: [string, string[]][] = [
    ["show", ["show", session]],
    ["stats", ["stats", session]],
    ["decisions --last 20", ["decisions", session, "--last", "20"]],
    ["tree", ["tree", session]],
  ];
  const results: BenchResult[] = commands.map(([metric, args]) => {
    const value = wall([BIN, ...args]);
    return {
      metric,
      value,
      unit: "ms",
      params: { nodes, runs: RUNS },
      baseline,
      ratio: value / baseline,
      target: `≤ ${TARGET_MS} ms`,
      pass: value <= TARGET_MS,
    };
  });
  results.push(exportResult(session, join(dir, "export.json"), nodes));
  rmSync(session, { recursive: true, force: true });

  // Twice the size: past what one string could hold as JSON with --json's wrapping (issue 16 item 12).
  const large = join(dir, "larger");
  t = nowMs();
  const bigNodes = Object.keys(
    (await writeRealisticSession(large, { decisions: 2 * DECISIONS, branching: BRANCHING })).nodes,
  ).length;
  console.log(`built a session of ${bigNodes} nodes in ${Math.round(nowMs() - t)} ms`);
  results.push(exportResult(large, join(dir, "export.json"), bigNodes));
  writeResults("cli", results);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
