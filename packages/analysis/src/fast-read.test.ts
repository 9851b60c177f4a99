// The analysis read path (token texts read off the packed bytes, alternatives never built) gives exactly the facts the whole loader gives.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readSession, readSnapshotRecords, tokenTexts } from "@loom/io";
import { TextNumbers } from "@loom/io/internal";
import { writeRealisticSession } from "@loom/testkit";
import { afterAll, describe, expect, it } from "vitest";
import type { NodeLite } from "./compact-session.js";
import { readSessionFacts } from "./read-session-facts.js";
import { factsOf } from "./session-facts-builder.js";

const root = mkdtempSync(join(tmpdir(), "loom-fast-read-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Realistic sessions (6 tokens with top-5 alternatives a node, testkit's shape), one with its last decision open. */
const SHAPES = [
  { decisions: 40, branching: 6, seed: 3 },
  { decisions: 25, branching: 8, seed: 11, leaveOpen: true },
  { decisions: 12, branching: 3, seed: 29, tokens: 9, top: 2 },
];

/** The facts as the whole loader gives them: every node's tokens decoded in full, then their texts. */
async function factsByFullLoad(dir: string) {
  const { loom, warnings } = await readSession(dir);
  const nodes = new Map<string, NodeLite>();
  const numbers = new TextNumbers();
  for (const id in loom.nodes) {
    const n = loom.nodes[id]!;
    nodes.set(id, {
      parentId: n.parentId,
      text: n.text,
      tokenNumbers: n.tokens ? numbers.numbersOf(n.tokens.toArray().map((t) => t.text)) : null,
      stepLogprob: n.stepLogprob,
      origin: n.origin,
    });
  }
  const { nodes: _n, decisions, ...head } = loom;
  return factsOf({
    dir,
    head,
    nodes,
    tokenTexts: numbers,
    decisions: Object.values(decisions),
    usage: null,
    warnings: [...warnings],
  });
}

describe("the analysis read path", () => {
  it("gives the whole loader's facts for realistic sessions with tokens", async () => {
    for (const [i, shape] of SHAPES.entries()) {
      const dir = join(root, `s${i}`);
      await writeRealisticSession(dir, shape);
      const fast = await readSessionFacts(dir);
      expect(fast.decisions.length).toBe(shape.decisions);
      expect(fast.decisions.some((d) => d.meanPairwiseOverlap !== null)).toBe(true);
      expect(fast).toEqual(await factsByFullLoad(dir));
    }
  });

  it("reads each lazily read list's texts off its bytes without decoding it, as texts() gives them", async () => {
    const dir = join(root, "s0");
    const streamed = (await readSnapshotRecords(dir))!;
    let lists = 0;
    for await (const r of streamed.records()) {
      if (r.kind !== "node" || !r.record.tokens) continue;
      const list = r.record.tokens;
      const undecoded = () => (list as unknown as { decode: unknown }).decode !== null;
      expect(undecoded()).toBe(true);
      const fast = tokenTexts(list);
      expect(undecoded()).toBe(true);
      expect(fast).toEqual(list.texts());
      expect(undecoded()).toBe(false);
      expect(tokenTexts(list)).toEqual(fast);
      lists++;
    }
    expect(lists).toBe(SHAPES[0]!.decisions * SHAPES[0]!.branching);
  });
});
