// Server benchmarks: first page of a 10,000-node session under 20 concurrent clients, and decision-commit → SSE subscriber latency.
import { mkdtemp, rm } from "node:fs/promises";
import { Agent, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addCandidates, checkout, choose, createLoom, sequentialEnv, type Loom } from "@loom/core";
import { ScriptedGenerator } from "@loom/generators/test";
import { createSession } from "@loom/io";
import { buildSessionPage } from "../apps/server/src/api/session-page.js";
import { startServer } from "../apps/server/src/index.js";
import { nowMs, percentile, writeResults, type BenchResult } from "./report.js";

const NODES = 10_000;
const BRANCHING = 8;
const CLIENTS = 20;
const REQUESTS_PER_CLIENT = 50;
const SSE_SAMPLES = 300;

/** A bushy 10,000-node loom: 8 candidates per step, a choice each step, and a checkout to an earlier node every 40 steps. */
function bigLoom(): Loom {
  const env = sequentialEnv();
  const loom = createLoom(
    { seed: "Once upon a time", sessionId: "big", config: { generator: { branchingFactor: BRANCHING } } },
    env,
  );
  let step = 0;
  while (Object.keys(loom.nodes).length < NODES) {
    const tip = loom.currentPath[loom.currentPath.length - 1]!;
    const added = addCandidates(
      loom,
      tip,
      Array.from({ length: BRANCHING }, (_, i) => ({
        text: ` word${step}-${i}`,
        stepLogprob: -1 - ((step * 7 + i) % 13) / 3,
      })),
      { env },
    );
    choose(loom, added.decisionId, added.nodeIds[(step * 5) % BRANCHING]!, "auto", `step ${step}`, env);
    step++;
    if (step % 40 === 0) checkout(loom, loom.currentPath[Math.floor(loom.currentPath.length / 2)]!);
  }
  return loom;
}

const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });

/** One GET over a keep-alive socket; returns the latency in ms and the body size (not parsed: we time the server). */
function timedGet(url: string): Promise<{ ms: number; bytes: number; status: number }> {
  return new Promise((resolve, reject) => {
    const t0 = nowMs();
    const req = request(url, { agent }, (res) => {
      let bytes = 0;
      res.on("data", (c: Buffer) => (bytes += c.length));
      res.on("end", () => resolve({ ms: nowMs() - t0, bytes, status: res.statusCode ?? 0 }));
    });
    req.on("error", reject);
    req.end();
  });
}

async function underLoad(url: string): Promise<{ latencies: number[]; bytes: number }> {
  const latencies: number[] = [];
  let bytes = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let i = 0; i < REQUESTS_PER_CLIENT; i++) {
        const r = await timedGet(url);
        if (r.status !== 200) throw new Error(`GET ${url}: HTTP ${r.status}`);
        latencies.push(r.ms);
        bytes = r.bytes;
      }
    }),
  );
  return { latencies, bytes };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "loom-server-bench-"));
  const results: BenchResult[] = [];
  try {
    const loom = bigLoom();
    const nodeCount = Object.keys(loom.nodes).length;
    const session = await createSession(join(dir, "big"), loom);
    await session.close();
    const server = await startServer({
      port: 0,
      sessionsDir: dir,
      log: () => {},
      backendOptions: { generatorFor: () => new ScriptedGenerator({ seed: 1 }) },
    });
    try {
      // ---- get-session-p99 ----
      const pageUrl = `${server.url}/api/sessions/big`;
      const fullUrl = `${server.url}/api/sessions/big/export?format=json`;
      await underLoad(pageUrl); // warm-up: opens the session, fills caches, JIT
      await underLoad(fullUrl);
      const page = await underLoad(pageUrl);
      const full = await underLoad(fullUrl);
      const p99 = percentile(page.latencies, 99);
      const fullP99 = percentile(full.latencies, 99);
      results.push({
        metric: "get-session-p99",
        value: p99,
        unit: "ms",
        params: {
          nodes: nodeCount,
          clients: CLIENTS,
          requests: page.latencies.length,
          pageLimit: 500,
          pageBytes: page.bytes,
        },
        baseline: fullP99,
        ratio: p99 / fullP99,
        target: "<= 50 ms",
        pass: p99 <= 50,
      });
      console.log(
        `first page ${page.bytes} bytes; baseline: the whole loom unpaged (${full.bytes} bytes) under the same load`,
      );

      // The page is built once per session version and cached; this is what a change costs (the next reader pays it once).
      const builds: number[] = [];
      for (let i = 0; i < 60; i++) {
        const t0 = nowMs();
        JSON.stringify(buildSessionPage(loom, { cursor: 0, limit: 500, version: i, running: false }));
        if (i >= 10) builds.push(nowMs() - t0);
      }
      results.push({
        metric: "session-page-build-p99",
        value: percentile(builds, 99),
        unit: "ms",
        params: {
          nodes: nodeCount,
          median: percentile(builds, 50),
          note: "uncached first page: build + JSON, paid once per change",
        },
      });

      // ---- sse-latency-p99 ----
      const created = await fetch(`${server.url}/api/sessions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ seed: "SSE", sessionId: "sse" }),
      });
      if (created.status !== 201) throw new Error(`create: HTTP ${created.status}`);
      const live = await server.hub.get("sse");
      const committedAt = new Map<string, number>();
      live.driver.onEvent((e) => {
        if (e.type === "decision") committedAt.set(e.decisionId as string, nowMs());
      });
      const arrivedAt = new Map<string, number>();
      const controller = new AbortController();
      const stream = await fetch(`${server.url}/api/sessions/sse/events`, { signal: controller.signal });
      const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      const pump = (async () => {
        try {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) return;
            const at = nowMs();
            buffer += value;
            let cut: number;
            while ((cut = buffer.indexOf("\n\n")) >= 0) {
              const frame = buffer.slice(0, cut);
              buffer = buffer.slice(cut + 2);
              if (!frame.includes("event: decision")) continue;
              const data = frame.split("\n").find((l) => l.startsWith("data: "))!;
              arrivedAt.set((JSON.parse(data.slice(6)) as { decisionId: string }).decisionId, at);
            }
          }
        } catch {
          // aborted
        }
      })();
      const post = async (path: string, body: unknown) => {
        const res = await fetch(`${server.url}/api/sessions/sse/${path}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        return (await res.json()) as { open: { decisionId: string; candidateNodeIds: string[] } | null };
      };
      const latencies: number[] = [];
      for (let i = 0; i < SSE_SAMPLES + 20; i++) {
        const g = await post("generate", {});
        const { decisionId, candidateNodeIds } = g.open!;
        await post("choose", { decisionId, nodeId: candidateNodeIds[i % candidateNodeIds.length] });
        const deadline = nowMs() + 2000;
        while (!arrivedAt.has(decisionId) && nowMs() < deadline) await new Promise((r) => setImmediate(r));
        if (!arrivedAt.has(decisionId)) throw new Error(`decision ${decisionId} never reached the subscriber`);
        if (i >= 20) latencies.push(arrivedAt.get(decisionId)! - committedAt.get(decisionId)!);
      }
      controller.abort();
      await pump;

      // Baseline: a plain loopback HTTP round trip to a bare node:http server, same process, same client.
      const bare = createServer((_req, res) => res.end("ok"));
      await new Promise<void>((r) => bare.listen(0, "127.0.0.1", r));
      const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`;
      const rtts: number[] = [];
      for (let i = 0; i < SSE_SAMPLES + 20; i++) {
        const r = await timedGet(bareUrl);
        if (i >= 20) rtts.push(r.ms);
      }
      bare.close();
      const sseP99 = percentile(latencies, 99);
      const rttP99 = percentile(rtts, 99);
      results.push({
        metric: "sse-latency-p99",
        value: sseP99,
        unit: "ms",
        params: { samples: latencies.length, subscribers: 1, median: percentile(latencies, 50) },
        baseline: rttP99,
        ratio: sseP99 / rttP99,
        target: "<= 20 ms",
        pass: sseP99 <= 20,
      });
    } finally {
      await server.close();
      agent.destroy();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  writeResults("server", results);
  if (results.some((r) => r.pass === false)) process.exitCode = 1;
}

await main();
