// A stored digest advanced by the ops a run journals equals the digest of the loom those ops made; ops it cannot follow give null.
import { describe, expect, it } from "vitest";
import {
  addCandidates,
  answerClarification,
  checkout,
  choose,
  createLoom,
  loomDigest,
  resolveDecision,
  sequentialEnv,
  type Loom,
  type LoomOp,
} from "./index.js";
import { advanceDigest, seededRandom, type PathDigest } from "./internal.js";

const env = sequentialEnv();
const rand = seededRandom(5);
const LIMITS = { decisions: 6, around: 4 };

/** Candidates under the tip, some without logprobs (as a CLI-sim generator gives). */
function offer(loom: Loom, k: number, ops: LoomOp[], decisionId?: string) {
  const a = addCandidates(
    loom,
    loom.currentPath.at(-1)!,
    Array.from({ length: k }, (_, i) => ({
      text: ` w${Math.floor(rand() * 100)}`,
      stepLogprob: i === 2 ? null : -rand() * 4,
    })),
    { env, ...(decisionId ? { decisionId } : {}) },
  );
  ops.push(a.op);
  return a;
}

/** What a reader has of `loom`: its digest, path and open decision at the tip. */
function pathDigest(loom: Loom): PathDigest {
  const tip = loom.currentPath.at(-1)!;
  const open = Object.values(loom.decisions).findLast(
    (d) => d.parentNodeId === tip && (d.action === null || d.action === "clarify"),
  );
  const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
  return {
    digest: copy(loomDigest(loom, LIMITS)),
    path: [...loom.currentPath],
    segments: loom.currentPath.map((id) => loom.nodes[id]!.text.length),
    text: loom.currentPath.map((id) => loom.nodes[id]!.text).join(""),
    briefVersion: loom.briefVersion,
    open: open
      ? { decision: copy(open), candidates: open.candidateNodeIds.map((id) => ({ ...loom.nodes[id]! })) }
      : null,
  };
}

function started(): Loom {
  const loom = createLoom({ seed: "S" }, env);
  for (let i = 0; i < 8; i++) {
    const a = offer(loom, 3, []);
    choose(loom, a.decisionId, a.nodeIds[i % 3]!, "auto", "r", env);
  }
  offer(loom, 2, []); // open at the snapshot
  return loom;
}

describe("advanceDigest", () => {
  it("follows choices, a stop, a clarification and its answer, and a reroll, as the whole loom's digest", () => {
    const loom = started();
    const before = pathDigest(loom);
    const ops: LoomOp[] = [];
    const openId = before.open!.decision.id;
    offer(loom, 1, ops, openId); // a reroll: one more candidate for the open decision
    const more = loom.decisions[openId]!.candidateNodeIds;
    ops.push(
      resolveDecision(loom, openId, { action: "choose", chosenNodeId: more[2]!, chosenBy: "human", reason: "x" }, env),
    );
    for (let i = 0; i < 6; i++) {
      const a = offer(loom, 3, ops);
      ops.push(
        resolveDecision(
          loom,
          a.decisionId,
          {
            action: "choose",
            chosenNodeId: a.nodeIds[i % 3]!,
            chosenBy: "selector_llm",
            reason: `s${i}`,
            ranking: a.nodeIds,
          },
          env,
        ),
      );
    }
    const asked = offer(loom, 2, ops);
    ops.push(
      resolveDecision(
        loom,
        asked.decisionId,
        {
          action: "clarify",
          chosenBy: "selector_llm",
          question: "q?",
          candidatesInTension: asked.nodeIds,
          whatHingesOnIt: "h",
        },
        env,
      ),
    );
    ops.push(
      answerClarification(
        loom,
        asked.decisionId,
        "the first",
        { action: "choose", chosenNodeId: asked.nodeIds[0]!, chosenBy: "human", reason: "a" },
        env,
      ),
    );
    const last = offer(loom, 3, ops);
    ops.push(resolveDecision(loom, last.decisionId, { action: "stop", chosenBy: "selector_llm", reason: "done" }, env));
    ops.push(checkout(loom, loom.currentPath.at(-1)!)); // the tip itself: nothing changes

    const after = advanceDigest(before, ops);
    expect(after).not.toBeNull();
    expect(JSON.parse(JSON.stringify(after!.digest))).toEqual(JSON.parse(JSON.stringify(loomDigest(loom, LIMITS))));
    expect(after!.path).toEqual(loom.currentPath);
    expect(after!.text).toBe(loom.currentPath.map((id) => loom.nodes[id]!.text).join(""));
    expect(after!.segments).toEqual(loom.currentPath.map((id) => loom.nodes[id]!.text.length));
    // The reader's digest was not changed in place.
    expect(before.path.length).toBe(9);
  });

  it("gives null for an op away from the tip, and for a digest without its gap totals", () => {
    const loom = started();
    const before = pathDigest(loom);
    const away = checkout(loom, loom.currentPath.at(-3)!);
    expect(advanceDigest(before, [away])).toBeNull();
    const { gaps: _g, ...older } = before.digest;
    const loom2 = started();
    const b2 = pathDigest(loom2);
    const ops: LoomOp[] = [];
    const a = offer(loom2, 2, ops);
    expect(advanceDigest({ ...b2, digest: older }, ops)).toBeNull();
    expect(advanceDigest(b2, ops)).not.toBeNull();
    expect(a.nodeIds).toHaveLength(2);
  });
});
