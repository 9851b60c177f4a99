// Benchmark of the `loom` binary's read-only commands on a 100,000-node session of realistic nodes, against `node -e 0` in the same run.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
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

const dir = mkdtempSync(join(tmpdir(), "loom-cli-bench-"));
try {
  const session = join(dir, "long");
  const t = nowMs();
  const loom = await writeRealisticSession(session, { decisions: DECISIONS, branching: BRANCHING });
  const nodes = Object.keys(loom.nodes).length;
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
  writeResults("cli", results);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
