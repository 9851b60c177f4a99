// Slow (runs once in CI; LOOM_SKIP_SLOW=1 skips it locally): a 100,000-node session of 32-token segments with top-20 alternatives, four times past the size whose snapshot used to overflow V8's string limit, written, closed, reopened and verified.
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addCandidates, choose, createLoom, currentText, sequentialEnv, TokenList, type Token } from "@loom/core";
import { afterAll, describe, expect, it } from "vitest";
import { createSession, readCurrentPath, readSession } from "./index.js";

/**
 * The previous format read the snapshot as one string: with these nodes (~22 KB of JSON each as plain
 * tokens) it failed past ~23,000 nodes ("Cannot create a string longer than 0x1fffffe8 characters").
 * Issue 9 asks for 100,000 (four times past that ceiling). The shape (32 tokens, top-20 alternatives)
 * is a long-segment sampling setting of an API that returns top logprobs; the reopened loom is ~13 KB a node.
 */
const NODES = Number(process.env.LOOM_LARGE_NODES ?? 100_001);
const BRANCHES = 8;
/** Distinct token lists the candidates cycle through: every node's tokens are written and read in full, only building them is shared. */
const VARIANTS = 64;
/**
 * One compaction halfway and one at close, so the closing snapshot is built incrementally (the first half's
 * frames reused, the second half encoded). The default threshold compacts whenever the journal outgrows the
 * snapshot, about as often at this size; every compaction rewrites the whole file, so a fixed short cadence
 * would make the test quadratic (50 rewrites of up to 300 MB cost more than the rest of it).
 */
const COMPACT_AT = 0.5;
const tmp = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "loom-large-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** 32 tokens with top-20 alternatives each. */
function tokens(seed: number): Token[] {
  return Array.from({ length: 32 }, (_, k) => ({
    text: ` t${seed}_${k}`,
    logprob: -(1 + ((seed * 31 + k) % 97)) / 10,
    top: Array.from({ length: 20 }, (_, j) => ({ text: ` alt${j}_${k}_${seed}`, logprob: -(j + 1 + seed / 100) / 3 })),
  }));
}

/** Which variant node `k` of decision `i` carries (its text says where it was made: " s<i>.<k>"). */
const variantOf = (text: string) => {
  const [i, k] = text.trim().slice(1).split(".").map(Number);
  return (i! * BRANCHES + k!) % VARIANTS;
};

/**
 * Grow the session through the session API and close it; the writer's loom is unreachable once this
 * returns, so the reopen has the heap to itself. Candidates share 64 packed TokenLists (built once); the journal and snapshot still encode every node in full.
 */
async function write(dir: string, lists: TokenList[]): Promise<{ text: string; total: number }> {
  const env = sequentialEnv();
  const s = await createSession(dir, createLoom({ seed: "Long:", sessionId: "s-large" }, env), {
    compactAfterBytes: false,
  });
  const decisions = Math.ceil((NODES - 1) / BRANCHES);
  for (let i = 0; i < decisions; i++) {
    const tip = s.loom.currentPath.at(-1)!;
    const cands = lists.slice(0, BRANCHES).map((_, k) => ({
      text: ` s${i}.${k}`,
      tokens: lists[(i * BRANCHES + k) % VARIANTS] as unknown as Token[],
      stepLogprob: -k,
    }));
    const { decisionId, nodeIds } = s.mutate((l) => addCandidates(l, tip, cands, { env }));
    s.mutate((l) => choose(l, decisionId, nodeIds[i % BRANCHES]!, "auto", "r", env));
    if (i === Math.floor(decisions * COMPACT_AT)) await s.compact();
  }
  const text = currentText(s.loom);
  const total = Object.keys(s.loom.nodes).length;
  // What the previous format had to hold as one string: four times V8's limit (0x1fffffe8 characters), at
  // the size CI runs (LOOM_LARGE_NODES picks a smaller one while iterating).
  const perNode = JSON.stringify(s.loom.nodes[s.loom.currentPath[1]!]).length;
  if (process.env.LOOM_LARGE_NODES === undefined) expect(perNode * total).toBeGreaterThan(4 * 0x1fffffe8);
  await s.close();
  return { text, total };
}

describe.skipIf(process.env.LOOM_SKIP_SLOW === "1")("a very large session (slow)", () => {
  it(`writes, closes, reopens and verifies ${NODES} nodes of 32 tokens with top-20 alternatives`, async () => {
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    const dir = join(tmp, "large");
    const plain = Array.from({ length: VARIANTS }, (_, k) => tokens(k));
    const { text, total } = await write(
      dir,
      plain.map((t) => TokenList.from(t)),
    );
    const written = performance.now();
    const cpu1 = process.cpuUsage(cpu0);
    const bytes = statSync(join(dir, "loom.json")).size;
    expect(statSync(join(dir, "journal.ndjson")).size).toBe(0); // closed: everything is in the snapshot

    const view = await readCurrentPath(dir);
    expect(view.read).toBe("path-frames");
    expect(view.text).toBe(text);
    // A full read checks every frame's CRC-32 and the end frame's record counts, and the loom's invariants.
    const { loom, warnings } = await readSession(dir);
    expect(warnings).toEqual([]);
    expect(Object.keys(loom.nodes)).toHaveLength(total);
    const decisions = Math.ceil((NODES - 1) / BRANCHES);
    expect(total).toBe(1 + decisions * BRANCHES);
    expect(Object.keys(loom.decisions)).toHaveLength(decisions);
    expect(currentText(loom)).toBe(text);
    // Every node's tokens came back whole: a spread of them, each against the tokens it was written with.
    const ids = Object.keys(loom.nodes);
    let checked = 0;
    const stride = Math.floor(ids.length / 200) | 1; // odd: the samples fall on every branch
    for (let i = 1; i < ids.length; i += stride) {
      const node = loom.nodes[ids[i]!]!;
      expect(node.tokens!.toArray()).toStrictEqual(plain[variantOf(node.text)]);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(150);
    const read = performance.now();
    const heap = process.memoryUsage();
    const cpu = process.cpuUsage(cpu0);
    console.log(
      `large session: ${total} nodes, snapshot ${(bytes / 1e6).toFixed(0)} MB on disk; write+close ${((written - started) / 1000).toFixed(1)} s ` +
        `(${((cpu1.user + cpu1.system) / 1e6).toFixed(1)} CPU-s), reopen+verify ${((read - written) / 1000).toFixed(1)} s; ` +
        `${((cpu.user + cpu.system) / 1e6).toFixed(1)} CPU-s in all; heap ${(heap.heapUsed / 1e9).toFixed(2)} GB, ` +
        `peak rss ${(process.resourceUsage().maxRSS / 1e6).toFixed(2)} GB`,
    );
  }, 1_800_000);
});
