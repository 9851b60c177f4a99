// pg-open-1m's measurement, in a process of its own (a million realistic nodes need a large heap): time to the first
// `show` of one session kept in PostgreSQL and in a session directory, the same loom in both, through each store's read path.
// Usage: node --import tsx --max-old-space-size=12000 bench/scale-open.ts <postgres url> <nodes>; prints one JSON line.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSession, readSessionView } from "@loom/io";
import { postgresSessionStore } from "@loom/store-postgres";
import { realisticLoom } from "@loom/testkit";
import { bulkLoadSession } from "../packages/store-postgres/src/test-support/bulk-load.js";
import { median, nowMs } from "./report.js";

const [url, nodesArg] = process.argv.slice(2);
const BRANCHING = 8;
const decisions = Math.ceil((Number(nodesArg) - 1) / BRANCHING);
const cli = join(import.meta.dirname, "..", "apps", "cli", "dist", "bin.js");

const log = (m: string) => process.stderr.write(`${new Date().toISOString()} ${m}\n`);
// testkit's realistic nodes (6 tokens with top-5 alternatives each, ~1.9 KB of JSON), the last decision left open.
let t = nowMs();
const loom = realisticLoom({ decisions, branching: BRANCHING, leaveOpen: true, seed: 3 });
const nodes = Object.keys(loom.nodes).length;
log(`built ${nodes} nodes, depth ${loom.currentPath.length} in ${(nowMs() - t).toFixed(0)} ms`);

const root = mkdtempSync(join(tmpdir(), "loom-scale-open-"));
const dir = join(root, "open");
const pg = postgresSessionStore(url!);
try {
  t = nowMs();
  await (await createSession(dir, loom)).close();
  log(`files written in ${(nowMs() - t).toFixed(0)} ms`);
  t = nowMs();
  // COPY into the store's tables, in one transaction (no million commits).
  await bulkLoadSession(url!, "open", loom);
  log(`rows inserted in ${(nowMs() - t).toFixed(0)} ms`);
  const pgMs: number[] = [];
  const fileMs: number[] = [];
  let shown = "";
  for (let r = 0; r < 3; r++) {
    t = nowMs();
    const fromRows = await pg.show("open");
    pgMs.push(nowMs() - t);
    t = nowMs();
    const fromFiles = await readSessionView(dir, { decisions: 0, text: true });
    fileMs.push(nowMs() - t);
    if (fromRows.text !== fromFiles.text || fromRows.open === null)
      throw new Error("the two stores show different sessions");
    shown = fromRows.text;
  }
  // Through the binary too: a process start, the driver's import, one connection, the queries.
  const cliMs = (target: string) => {
    const start = nowMs();
    const r = spawnSync(process.execPath, [cli, "show", target, "--json"], { encoding: "utf8", maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`loom show ${target} failed: ${r.stderr}`);
    if ((JSON.parse(r.stdout) as { text: string }).text !== shown) throw new Error("loom show printed another text");
    return nowMs() - start;
  };
  const cliPg = [cliMs(`${url}#open`), cliMs(`${url}#open`)];
  const cliFiles = [cliMs(dir), cliMs(dir)];
  process.stdout.write(
    `${JSON.stringify({ nodes, depth: loom.currentPath.length, pg: median(pgMs), files: median(fileMs), cliPg: Math.min(...cliPg), cliFiles: Math.min(...cliFiles) })}\n`,
  );
} finally {
  await pg.close();
  rmSync(root, { recursive: true, force: true });
}
