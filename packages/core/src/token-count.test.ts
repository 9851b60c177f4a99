import { describe, expect, it } from "vitest";
import { addCandidates, choose, createLoom, nodeTokenCount, pathTokenCount, sequentialEnv } from "./index.js";

describe("token counts", () => {
  it("count a segment without tokens (CLI-sim) by its length, the seed as nothing, and tokens as given", () => {
    const env = sequentialEnv();
    const loom = createLoom({ seed: "A seed the user wrote, never counted" }, env);
    // CLI-sim gives text only: 23 characters count as 6 tokens (about 4 characters a token, rounded up).
    const a = addCandidates(loom, loom.rootId, [{ text: " and the lamp went out." }], { env });
    choose(loom, a.decisionId, a.nodeIds[0]!, "auto", "only one", env);
    const b = addCandidates(loom, a.nodeIds[0]!, [{ text: " Then", tokens: [{ text: " Then", logprob: -1 }] }], {
      env,
    });
    choose(loom, b.decisionId, b.nodeIds[0]!, "auto", "only one", env);
    expect(nodeTokenCount(loom.nodes[loom.rootId]!)).toBe(0);
    expect(nodeTokenCount(loom.nodes[a.nodeIds[0]!]!)).toBe(6);
    expect(pathTokenCount(loom)).toBe(7);
    expect(pathTokenCount(loom, [loom.rootId, a.nodeIds[0]!])).toBe(6);
  });
});
