// Test helpers: read recorded provider responses from __fixtures__ and build small looms (not exported).
import { readFileSync } from "node:fs";
import { addCandidates, createLoom, sequentialEnv, type BriefInput, type Loom } from "@loom/core";

export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8")) as Record<
    string,
    unknown
  >;
}

export const WORLDSPIDER_BRIEF = {
  title: "Worldspider Phenomenology",
  voice: "Compressed, liturgical",
  leanInto: ["Aliveness", "Images that think"],
  avoid: ["Assistant-mode hedging", "Neat resolution"],
  notes: "Concrete imagery preferred over abstraction.",
};

/** A loom with a seed and one open decision of three candidates with fixed ids c1..c3. */
export function loomWithCandidates(brief: BriefInput = WORLDSPIDER_BRIEF): { loom: Loom; decisionId: string } {
  const env = sequentialEnv();
  const loom = createLoom({ seed: "The attention was a hand. It was holding", brief }, env);
  const ids = ["c1", "c2", "c3"];
  let i = 0;
  const idEnv = {
    ...env,
    newId: (kind: "node" | "decision" | "session") => (kind === "node" ? ids[i++]! : env.newId(kind)),
  };
  const { decisionId } = addCandidates(
    loom,
    loom.rootId,
    [
      { text: " the thread.", stepLogprob: -1.2 },
      { text: " a question that thought back.", stepLogprob: -6.5 },
      { text: " nothing at all.", stepLogprob: -3.1 },
    ],
    { env: idEnv },
  );
  return { loom, decisionId };
}

export function candidatesOf(loom: Loom, decisionId: string) {
  return loom.decisions[decisionId]!.candidateNodeIds.map((id) => ({
    id,
    text: loom.nodes[id]!.text,
    stepLogprob: loom.nodes[id]!.stepLogprob,
  }));
}
