// A branch at a token survives on disk: journaled, replayed on open (before any snapshot holds it), logged in the manifest.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addCandidates, branchAtToken, choose, createLoom, currentText, sequentialEnv } from "@loom/core";
import { afterAll, describe, expect, it } from "vitest";
import { createSession, openSession, readSession } from "./index.js";

const tmp = mkdtempSync(join(tmpdir(), "loom-branch-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// The local engine's shape: ids, logprobs and alternatives with their ids.
const tokens = [
  {
    text: " Lily",
    id: 301,
    logprob: -0.2,
    top: [
      { text: " Lily", logprob: -0.2, id: 301 },
      { text: " Tom", logprob: -2.1, id: 302 },
    ],
  },
  {
    text: " ran",
    id: 410,
    logprob: -0.9,
    top: [
      { text: " was", logprob: -0.6, id: 411 },
      { text: " ran", logprob: -0.9, id: 410 },
    ],
  },
];

describe("branchAtToken on disk", () => {
  it("replays from the journal after a crash and from the snapshot after a close, with its manifest line", async () => {
    const dir = join(tmp, "s");
    const env = sequentialEnv();
    const s = await createSession(dir, createLoom({ seed: "Once", sessionId: "s-branch" }, env), {
      compactAfterBytes: false,
    });
    const step = s.mutate((l) => addCandidates(l, l.rootId, [{ text: " Lily ran", tokens }], { env }));
    s.mutate((l) => choose(l, step.decisionId, step.nodeIds[0]!, "auto", "only one", env));
    const branch = s.mutate((l) => branchAtToken(l, step.nodeIds[0]!, 1, { alternative: 0 }, env));
    const expected = JSON.parse(JSON.stringify(s.loom.nodes[branch.nodeId]));
    // As after kill -9: the lock goes with the process, nothing is compacted or closed.
    (s as unknown as { lock: { release(): void } }).lock.release();

    const crashed = await readSession(dir);
    expect(JSON.parse(JSON.stringify(crashed.loom.nodes[branch.nodeId]))).toEqual(expected);
    expect(crashed.loom.nodes[branch.nodeId]!.tokens!.at(1)).toMatchObject({ text: " was", id: 411 });
    expect(currentText(crashed.loom)).toBe("Once Lily was");

    const again = await openSession(dir);
    await again.close();
    const closed = await readSession(dir);
    expect(JSON.parse(JSON.stringify(closed.loom.nodes[branch.nodeId]))).toEqual(expected);
    expect(closed.loom.decisions[branch.decisionId]).toMatchObject({ action: "choose", chosenBy: "human" });
    const lines = readFileSync(join(dir, "manifest.ndjson"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.find((l) => l.decisionId === branch.decisionId)).toMatchObject({
      chosenNodeId: branch.nodeId,
      chosenBy: "human",
      chosenText: " Lily was",
      reason: expect.stringMatching(/^branched at token 1 of /),
    });
  });
});
