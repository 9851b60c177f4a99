// A full read that shares a decision's strings with its candidates' gives back the loom as written: candidates stored apart (a reroll), stored in another order, or missing.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addCandidates, addHumanNode, choose, createLoom, sequentialEnv, type LoomNode } from "@loom/core";
import { parseDecisionFast, parseNodeFast } from "@loom/core/internal";
import { describe, expect, it } from "vitest";
import { createSession, readSession } from "./index.js";
import { DecisionStrings } from "./snapshot-strings.js";

describe("DecisionStrings", () => {
  it("reads back every decision as written when its candidates were stored in two runs, apart from the others", async () => {
    const dir = mkdtempSync(join(tmpdir(), "loom-strings-"));
    try {
      const env = sequentialEnv();
      const s = await createSession(join(dir, "s"), createLoom({ seed: "Once", sessionId: "s-strings" }, env));
      const root = s.loom.rootId;
      const first = s.mutate((l) => addCandidates(l, root, [{ text: " a" }, { text: " b" }], { env }));
      // Another decision's nodes, stored between the two runs of the first decision's candidates.
      const other = s.mutate((l) => addCandidates(l, first.nodeIds[0]!, [{ text: " c" }, { text: " d" }], { env }));
      const reroll = s.mutate((l) => addCandidates(l, root, [{ text: " e" }], { env, decisionId: first.decisionId }));
      s.mutate((l) => choose(l, first.decisionId, reroll.nodeIds[0]!, "auto", "the reroll", env));
      s.mutate((l) => choose(l, other.decisionId, other.nodeIds[1]!, "human", "the second", env));
      s.mutate((l) => addHumanNode(l, reroll.nodeIds[0]!, " f", env));
      const written = structuredClone(s.loom);
      await s.close();
      const { loom } = await readSession(join(dir, "s"));
      expect(loom.decisions[first.decisionId]!.candidateNodeIds).toEqual([...first.nodeIds, reroll.nodeIds[0]]);
      expect(loom.decisions[first.decisionId]!.chosenNodeId).toBe(reroll.nodeIds[0]);
      expect(loom.nodes).toEqual(written.nodes);
      expect(loom.decisions).toEqual(written.decisions);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("changes no value when a decision's candidates were stored in another order, or not at all", () => {
    const node = (id: string, decisionId: string): LoomNode =>
      parseNodeFast({ id, parentId: "n_0", text: id, decisionId, createdAt: "t1" })!;
    // Runs: d_1 (stored in another order than listed), d_2, d_1 again (a reroll), d_3.
    const order = [node("n_2", "d_1"), node("n_1", "d_1"), node("n_3", "d_2"), node("n_5", "d_1"), node("n_6", "d_3")];
    const shared = new DecisionStrings();
    order.forEach((n, at) => shared.noteNode(n, at));
    const decision = (id: string, candidates: string[], chosen: string | null) =>
      parseDecisionFast({
        id,
        parentNodeId: "n_0",
        candidateNodeIds: candidates,
        action: chosen === null ? null : "choose",
        chosenNodeId: chosen,
        timestamp: "t1",
      })!;
    const swapped = decision("d_1", ["n_1", "n_2"], "n_2");
    const unstored = decision("d_9", ["n_8"], null);
    const elsewhere = decision("d_2", ["n_3", "n_4"], "n_4");
    // After the reroll's run: found by id, not where the decision before it ended.
    const last = decision("d_3", ["n_6"], "n_6");
    const all = [swapped, unstored, elsewhere, last];
    const before = structuredClone(all);
    for (const d of all) shared.share(d, order);
    expect(all).toEqual(before);
  });
});
