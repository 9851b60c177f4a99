// sessionSummary: a session's title, seed, size and state as a list of sessions shows them.
import { describe, expect, test } from "vitest";
import { addCandidates, choose, createLoom, resolveDecision, sequentialEnv } from "./index.js";
import { sessionSummary } from "./session-summary.js";

describe("sessionSummary", () => {
  test("an open session, then one stopped at its tip; long seeds are cut", () => {
    const env = sequentialEnv();
    const loom = createLoom({ seed: "x".repeat(300), brief: { title: "Worldspider" } }, env);
    const added = addCandidates(loom, loom.rootId, [{ text: " a" }, { text: " b" }], { env });
    expect(sessionSummary(loom)).toMatchObject({
      title: "Worldspider",
      steps: 0,
      nodes: 3,
      decisions: 1,
      state: "open",
      undecided: true,
    });
    expect(sessionSummary(loom).seed).toHaveLength(160);
    choose(loom, added.decisionId, added.nodeIds[1]!, "human", "b", env);
    const next = addCandidates(loom, added.nodeIds[1]!, [{ text: " c" }], { env });
    resolveDecision(loom, next.decisionId, { action: "stop", chosenBy: "human", reason: "done" }, env);
    expect(sessionSummary(loom, { seedChars: 10 })).toMatchObject({
      title: "Worldspider",
      seed: `${"x".repeat(9)}…`,
      steps: 1,
      state: "stopped",
      undecided: false,
    });
  });
});
