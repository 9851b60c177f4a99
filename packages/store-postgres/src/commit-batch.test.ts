import { addCandidates, addHumanNode, choose, createLoom, type Loom, type LoomOp } from "@loom/core";
import { historyMark, opFootprint } from "@loom/core/internal";
import { describe, expect, it } from "vitest";
import { CommitBatch } from "./commit-batch.js";
import { nodeJson } from "./node-json.js";

/** Apply `make` to `loom` and note its op in `batch`, as PgSession.mutate does. */
function mutate(batch: CommitBatch, loom: Loom, seq: number, make: (l: Loom) => LoomOp | { op: LoomOp }): void {
  const before = historyMark(loom);
  const result = make(loom);
  const op = typeof (result as { op: unknown }).op === "string" ? (result as LoomOp) : (result as { op: LoomOp }).op;
  batch.addOp(seq, op, opFootprint(op, loom, before), null);
}

const tokens = (text: string) => [
  {
    text,
    logprob: -0.5,
    top: [
      { text, logprob: -0.5 },
      { text: " 🌍\ud800", logprob: -2 },
    ],
  },
];

describe("CommitBatch", () => {
  it("sends a new candidate's row as where its JSON lies in the ops' text (version 7), in UTF-8 bytes", () => {
    const loom = createLoom({ seed: "Once" });
    const batch = new CommitBatch(0);
    const texts = [" a 🌍", " \u2028b😀😀", ' "c"\\', " d\ud800"];
    mutate(batch, loom, 1, (l) => addHumanNode(l, l.rootId, " human 🙂"));
    let added: { decisionId: string; nodeIds: string[] } | null = null;
    mutate(batch, loom, 2, (l) => {
      const r = addCandidates(
        l,
        l.rootId,
        texts.map((text) => ({ text, tokens: tokens(text) })),
      );
      added = r;
      return r;
    });
    const { decisionId, nodeIds } = added!;
    mutate(batch, loom, 3, (l) => choose(l, decisionId, nodeIds[2]!, "human", "the quoted one"));
    const sealed = batch.seal(loom, null, 1);
    const bytes = Buffer.from(sealed.ops, "utf8"); // as sent
    expect(sealed.opSeqs).toEqual([1, 2, 3]);
    expect(sealed.ops.split("\u001e").map((op) => JSON.parse(op).op)).toEqual([
      "addCandidates",
      "addCandidates",
      "resolve",
    ]);
    expect([...sealed.nodes.keys()]).toEqual([expect.any(String), ...nodeIds]);
    for (const [id, row] of sealed.nodes) {
      if (id === nodeIds[2]) {
        // Chosen in the same batch: its row is the node as it is now, sent whole.
        expect(row.inOps).toBeUndefined();
        expect(row.data).toBe(nodeJson(loom.nodes[id]!));
        expect(JSON.parse(row.data!).chosenBy).toBe("human");
        continue;
      }
      expect(row.data).toBe("");
      const stretch = bytes.toString("utf8", row.inOps!.at - 1, row.inOps!.at - 1 + row.inOps!.length);
      expect(stretch).toBe(nodeJson(loom.nodes[id]!));
    }
  });
});
