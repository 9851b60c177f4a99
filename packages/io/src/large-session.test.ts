// Slow (runs once in CI; LOOM_SKIP_SLOW=1 skips it locally): a session of 32-token segments with top-20 alternatives, past the size whose snapshot used to overflow V8's string limit, written, closed, reopened and verified.
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addCandidates, choose, createLoom, currentText, sequentialEnv, type Token } from "@loom/core";
import { afterAll, describe, expect, it } from "vitest";
import { createSession, readCurrentPath, readSession } from "./index.js";

/**
 * The previous format read the snapshot as one string: with these nodes (~22 KB of JSON each) it failed
 * past ~23,000 nodes ("Cannot create a string longer than 0x1fffffe8 characters"); 26,000 is past that
 * ceiling. Nodes hold their tokens packed (TokenList), so the reopened loom is ~15 KB a node here.
 */
const NODES = Number(process.env.LOOM_LARGE_NODES ?? 26_000);
const BRANCHES = 8;
const tmp = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "loom-large-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** 32 tokens with top-20 alternatives each; one array shared by every candidate while writing keeps the writer light (the file holds every copy). */
function tokens(seed: number): Token[] {
  return Array.from({ length: 32 }, (_, k) => ({
    text: ` t${seed % 997}_${k}`,
    logprob: -(1 + ((seed * 31 + k) % 97)) / 10,
    top: Array.from({ length: 20 }, (_, j) => ({ text: ` alt${j}_${k}`, logprob: -(j + 1) / 3 })),
  }));
}

/** Grow the session and close it; the writer's loom is unreachable once this returns, so the reopen has the heap to itself. */
async function write(dir: string, shared: Token[][]): Promise<{ text: string; total: number }> {
  const env = sequentialEnv();
  const s = await createSession(dir, createLoom({ seed: "Long:", sessionId: "s-large" }, env), {
    compactAfterBytes: false,
  });
  const decisions = Math.ceil((NODES - 1) / BRANCHES);
  for (let i = 0; i < decisions; i++) {
    const tip = s.loom.currentPath.at(-1)!;
    const cands = shared.map((t, k) => ({ text: ` s${i}.${k}`, tokens: t, stepLogprob: -k }));
    const { decisionId, nodeIds } = s.mutate((l) => addCandidates(l, tip, cands, { env }));
    s.mutate((l) => choose(l, decisionId, nodeIds[i % BRANCHES]!, "auto", "r", env));
    // The journal would hold it all until close: compact now and then, as the default threshold would.
    if (i % 500 === 499) await s.compact();
  }
  const text = currentText(s.loom);
  const total = Object.keys(s.loom.nodes).length;
  // What the previous format had to hold as one string: past V8's limit (0x1fffffe8 characters).
  const perNode = JSON.stringify(s.loom.nodes[s.loom.currentPath[1]!]).length;
  expect(perNode * total).toBeGreaterThan(0x1fffffe8);
  await s.close();
  return { text, total };
}

describe.skipIf(process.env.LOOM_SKIP_SLOW === "1")("a very large session (slow)", () => {
  it(`writes, closes, reopens and verifies ${NODES} nodes of 32 tokens with top-20 alternatives`, async () => {
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    const dir = join(tmp, "large");
    const shared = Array.from({ length: BRANCHES }, (_, k) => tokens(k));
    const { text, total } = await write(dir, shared);
    const written = performance.now();
    const bytes = statSync(join(dir, "loom.json")).size;

    const view = await readCurrentPath(dir);
    expect(view.read).toBe("path-frames");
    expect(view.text).toBe(text);
    const { loom, warnings } = await readSession(dir);
    expect(warnings).toEqual([]);
    expect(Object.keys(loom.nodes)).toHaveLength(total);
    expect(currentText(loom)).toBe(text);
    // Every node's tokens came back whole (spot-check a spread of them against what was written).
    const ids = Object.keys(loom.nodes);
    for (let i = 1; i < ids.length; i += 997) {
      const node = loom.nodes[ids[i]!]!;
      expect(node.tokens!.toArray()).toStrictEqual(shared[Number(node.text.split(".")[1])]);
    }
    const read = performance.now();
    const heap = process.memoryUsage();
    const cpu = process.cpuUsage(cpu0);
    console.log(
      `large session: ${total} nodes, snapshot ${(bytes / 1e6).toFixed(0)} MB on disk; write+close ${((written - started) / 1000).toFixed(1)} s, ` +
        `reopen+verify ${((read - written) / 1000).toFixed(1)} s; ${((cpu.user + cpu.system) / 1e6).toFixed(1)} CPU-s; heap ${(heap.heapUsed / 1e9).toFixed(2)} GB, ` +
        `peak rss ${(process.resourceUsage().maxRSS / 1e6).toFixed(2)} GB`,
    );
  }, 1_800_000);
});
