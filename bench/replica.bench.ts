// Replica SSE latency: two `loom serve --store` processes over one database; a choice made on replica A reaches an
// event-stream client of replica B (NOTIFY, then the ops since) against a client of A itself (one replica: baseline).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { subscribe } from "../apps/server/test/sse-client.js";
import { testDatabase } from "../packages/store-postgres/src/test-support/test-database.js";
import { percentile, writeResults } from "./report.js";

const CHOICES = Number(process.env.LOOM_BENCH_REPLICA_CHOICES ?? 200);
const BIN = resolve(fileURLToPath(new URL("../apps/cli/dist/bin.js", import.meta.url)));
const MODEL = resolve(fileURLToPath(new URL("../../shared/models/stories260K.gguf", import.meta.url)));

/** `loom serve --store url` on a free port; resolves with its address once it prints it. */
function replica(url: string, cwd: string): Promise<{ url: string; child: ChildProcess }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, "serve", "--store", url, "--port", "0", "--model", MODEL, "--json"], {
      cwd,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line) done({ url: (JSON.parse(line) as { url: string }).url, child });
    });
    child.on("exit", (code) => fail(new Error(`loom serve exited ${code}: ${out}`)));
  });
}

async function post(base: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
}

const dir = mkdtempSync(join(tmpdir(), "loom-replica-bench-"));
const db = await testDatabase();
const children: ChildProcess[] = [];
try {
  const [a, b] = await Promise.all([replica(db.url, dir), replica(db.url, dir)]);
  children.push(a!.child, b!.child);
  await post(a!.url, "/api/sessions", { seed: "The replicas", sessionId: "bench" });
  const onA = await subscribe(`${a!.url}/api/sessions/bench/events`);
  const onB = await subscribe(`${b!.url}/api/sessions/bench/events`);
  const local: number[] = [];
  const remote: number[] = [];
  const acked: number[] = [];
  // Each choice is the writer's own text (`write`: a candidate chosen at once): a commit with no model call, so the
  // time is the servers' and the database's alone. Both clients hear the same choice, timed from the request.
  for (let i = 0; i < CHOICES + 10; i++) {
    const fromA = onA.events.length;
    const fromB = onB.events.length;
    // The SSE client stamps arrivals with performance.now(): the same clock here.
    const start = performance.now();
    await post(a!.url, "/api/sessions/bench/write", { text: ` w${i}` });
    const ack = performance.now() - start;
    const [hereA, hereB] = await Promise.all([
      onA.waitFor((e) => onA.events.indexOf(e) >= fromA && e.event === "decision"),
      onB.waitFor((e) => onB.events.indexOf(e) >= fromB && e.event === "tree-changed"),
    ]);
    // The first ten warm both processes up (JIT, connections).
    if (i < 10) continue;
    acked.push(ack);
    local.push(hereA.at - start);
    remote.push(hereB.at - start);
  }
  onA.close();
  onB.close();
  const p = (xs: number[], q: number) => percentile(xs, q);
  const params = {
    choices: CHOICES,
    replicas: "2 loom serve --store processes, one database",
    clock: "wall, from sending POST …/write to replica A to the event's arrival",
    baseline: "the same choice's event on a client of replica A (one replica)",
    ackP50Ms: Math.round(p(acked, 50) * 100) / 100,
  };
  writeResults(
    "scale",
    [50, 99].map((q) => ({
      metric: `replica-sse-latency-p${q}`,
      value: p(remote, q),
      unit: "ms",
      params,
      baseline: p(local, q),
      ratio: p(remote, q) / p(local, q),
      ...(q === 99 ? { target: "<= 50 ms", pass: p(remote, q) <= 50 } : {}),
    })),
    { merge: true },
  );
} finally {
  for (const c of children) c.kill("SIGTERM");
  await db.dispose();
  rmSync(dir, { recursive: true, force: true });
}
