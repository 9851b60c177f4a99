// pg-open-1m's measurement: time to the first `show` of a 1,000,001-node session kept in PostgreSQL and in a session
// directory (the same loom in both), as a user opening it sees it: in a fresh process that never held the loom.
//
// Usage: node --import tsx bench/scale-open.ts <postgres url> <nodes>; prints one JSON line. It runs itself twice over:
// - `prepare` (a 12 GB heap): build the loom, write the directory, COPY the rows, exit (the loom goes with it);
// - `show` (the default heap), a fresh process per measurement, pg and files alternating: the store made, the
//   session shown (connection, schema check and queries, or the directory's reads), timed; then shown again, warm.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { median, nowMs } from "./report.js";

const BRANCHING = 8;
const SHOWS = 3;
const cli = join(import.meta.dirname, "..", "apps", "cli", "dist", "bin.js");
const self = import.meta.filename;
const log = (m: string) => process.stderr.write(`${new Date().toISOString()} ${m}\n`);
const digest = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 16);

/** What a `show` child reports: the first show (cold) and a second one in the same process (warm). */
interface Shown {
  ms: number;
  cpuMs: number;
  warmMs: number;
  rssMb: number;
  text: string;
}

/** Build the loom, write it both ways, report its size and its text's digest; the process then exits. */
async function prepare(url: string, nodesWanted: number, dir: string): Promise<void> {
  const { createSession } = await import("@loom/io");
  const { currentText } = await import("@loom/core");
  const { realisticLoom } = await import("@loom/testkit");
  const { bulkLoadSession } = await import("../packages/store-postgres/src/test-support/bulk-load.js");
  let t = nowMs();
  const decisions = Math.ceil((nodesWanted - 1) / BRANCHING);
  // testkit's realistic nodes (6 tokens with top-5 alternatives each, ~1.9 KB of JSON), the last decision left open.
  const loom = realisticLoom({ decisions, branching: BRANCHING, leaveOpen: true, seed: 3 });
  const nodes = Object.keys(loom.nodes).length;
  log(`built ${nodes} nodes, depth ${loom.currentPath.length} in ${(nowMs() - t).toFixed(0)} ms`);
  t = nowMs();
  await (await createSession(dir, loom)).close();
  log(`files written in ${(nowMs() - t).toFixed(0)} ms`);
  t = nowMs();
  // COPY into the store's tables, in one transaction (no million commits).
  await bulkLoadSession(url, "open", loom);
  log(`rows inserted in ${(nowMs() - t).toFixed(0)} ms`);
  process.stdout.write(
    `${JSON.stringify({ nodes, depth: loom.currentPath.length, text: digest(currentText(loom)) })}\n`,
  );
}

/** One fresh process's show of the session through one store: timed from making the store to the view. */
async function show(kind: "pg" | "files", target: string): Promise<void> {
  // Imported before the clock starts: the CLI figures (cliPg, cliFiles) include process start and imports.
  const { readSessionView } = await import("@loom/io");
  const { postgresSessionStore } = await import("@loom/store-postgres");
  const once = async (): Promise<string> => {
    if (kind === "files") return (await readSessionView(target, { decisions: 0, text: true })).text ?? "";
    const store = postgresSessionStore(target);
    try {
      const view = await store.show("open");
      if (view.open === null) throw new Error("the session shows no open decision");
      return view.text;
    } finally {
      await store.close();
    }
  };
  const cpu = process.cpuUsage();
  const start = nowMs();
  const text = await once();
  const ms = nowMs() - start;
  const used = process.cpuUsage(cpu);
  const warmStart = nowMs();
  if ((await once()) !== text) throw new Error("a second show printed another text");
  const shown: Shown = {
    ms,
    cpuMs: (used.user + used.system) / 1000,
    warmMs: nowMs() - warmStart,
    rssMb: process.resourceUsage().maxRSS / 1024,
    text: digest(text),
  };
  process.stdout.write(`${JSON.stringify(shown)}\n`);
}

function child(args: string[], nodeArgs: string[] = []): string {
  const r = spawnSync(process.execPath, [...nodeArgs, "--import", "tsx", self, ...args], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (r.status !== 0) throw new Error(`scale-open.ts ${args[0]} failed (${r.status})`);
  return r.stdout.trim().split("\n").pop()!;
}

async function main(url: string, nodesWanted: number): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), "loom-scale-open-"));
  let dir = join(root, "open");
  try {
    // LOOM_BENCH_OPEN_PREPARED=<dir>: a session already prepared (the directory, and session "open" at the URL) is
    // shown again without building it; its size is as the directory's show reports it.
    const prepared = process.env["LOOM_BENCH_OPEN_PREPARED"];
    const built = prepared
      ? (JSON.parse(child(["size", prepared])) as { nodes: number; depth: number; text: string })
      : (JSON.parse(child(["prepare", url, String(nodesWanted), dir], ["--max-old-space-size=12000"])) as {
          nodes: number;
          depth: number;
          text: string;
        });
    if (prepared) dir = prepared;
    const runs: Record<"pg" | "files", Shown[]> = { pg: [], files: [] };
    for (let r = 0; r < SHOWS; r++) {
      for (const kind of ["pg", "files"] as const) {
        const shown = JSON.parse(child(["show", kind, kind === "pg" ? url : dir])) as Shown;
        if (shown.text !== built.text) throw new Error(`${kind} shows another text than the loom's`);
        runs[kind].push(shown);
      }
    }
    log(`show, fresh process: ${JSON.stringify(runs)}`);
    // Through the binary too: a process start, the driver's import, one connection, the queries.
    const cliMs = (target: string) => {
      const start = nowMs();
      const r = spawnSync(process.execPath, [cli, "show", target, "--json"], { encoding: "utf8", maxBuffer: 1 << 30 });
      if (r.status !== 0) throw new Error(`loom show ${target} failed: ${r.stderr}`);
      if (digest((JSON.parse(r.stdout) as { text: string }).text) !== built.text)
        throw new Error("loom show printed another text");
      return nowMs() - start;
    };
    const cliPg = [cliMs(`${url}#open`), cliMs(`${url}#open`)];
    const cliFiles = [cliMs(dir), cliMs(dir)];
    const of = (kind: "pg" | "files", key: "ms" | "cpuMs" | "warmMs" | "rssMb") =>
      median(runs[kind].map((s) => s[key]));
    process.stdout.write(
      `${JSON.stringify({
        nodes: built.nodes,
        depth: built.depth,
        pg: of("pg", "ms"),
        files: of("files", "ms"),
        pgCpu: of("pg", "cpuMs"),
        filesCpu: of("files", "cpuMs"),
        pgWarm: of("pg", "warmMs"),
        filesWarm: of("files", "warmMs"),
        pgRssMb: of("pg", "rssMb"),
        filesRssMb: of("files", "rssMb"),
        cliPg: Math.min(...cliPg),
        cliFiles: Math.min(...cliFiles),
      })}\n`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The size and text digest of a prepared session directory (LOOM_BENCH_OPEN_PREPARED). */
async function size(dir: string): Promise<void> {
  const { readSessionView } = await import("@loom/io");
  const view = await readSessionView(dir, { decisions: 0, text: true });
  process.stdout.write(
    `${JSON.stringify({ nodes: view.stats.nodes, depth: view.path.length, text: digest(view.text ?? "") })}\n`,
  );
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === "size") await size(rest[0]!);
else if (mode === "prepare") await prepare(rest[0]!, Number(rest[1]), rest[2]!);
else if (mode === "show") await show(rest[0] as "pg" | "files", rest[1]!);
else await main(mode!, Number(rest[0]));
