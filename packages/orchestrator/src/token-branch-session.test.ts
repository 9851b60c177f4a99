// Branching at a token on the real local engine (stories260K): the branch keeps the original's first k tokens, continues from their ids, and the journal replays it.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { branchAtToken, createLoom } from "@loom/core";
import { LocalGenerator } from "@loom/generators";
import { ScriptedGenerator } from "@loom/generators/test";
import { createSession, readSession } from "@loom/io";
import { afterEach, describe, expect, it } from "vitest";
import { Orchestrator } from "./orchestrator.js";
import { memorySession } from "./session-like.js";
import { tempDir } from "./test-support.js";

const modelPath = fileURLToPath(new URL("../../../../shared/models/stories260K.gguf", import.meta.url));

let tmp: ReturnType<typeof tempDir> | null = null;
afterEach(() => tmp?.cleanup());

describe.skipIf(!existsSync(modelPath))("branchAtToken on the local engine", () => {
  it("keeps k tokens, puts the alternative at k+1, continues from the ids, and replays from the journal", async () => {
    tmp = tempDir();
    const session = await createSession(
      tmp.dir,
      createLoom({
        seed: "Once upon a time, there was a little girl named Lily.",
        config: {
          generator: { provider: "local", model: "stories260K.gguf", branchingFactor: 3, segmentTokens: 6, seed: 7 },
          selector: { mode: "human" },
        },
      }),
      { compactAfterBytes: false },
    );
    const generator = new LocalGenerator({ modelPath, contextSize: 512, parallel: 3, threads: 1 });
    try {
      const orch = await Orchestrator.open({ session, generator });
      const step = await orch.generate();
      const original = step.candidates[0]!.id;
      await orch.choose(original, { reason: "first" });
      // The second step continued from the first's ids (same engine, same model): nothing re-tokenised.
      const next = await orch.generate();
      expect(session.loom.nodes[next.candidates[0]!.id]!.meta).toMatchObject({ continuedFromTokenIds: 6 });
      expect(session.loom.nodes[next.candidates[0]!.id]!.meta["retokenized"]).toBeUndefined();

      const tokens = session.loom.nodes[original]!.tokens!.toArray();
      const k = 2;
      const j = tokens[k]!.top!.findIndex((t) => t.text !== tokens[k]!.text);
      const op = await orch.reshape((l) => branchAtToken(l, original, k, { alternative: j }));
      const branchId = (op as { newNodeId: string }).newNodeId;
      const branch = session.loom.nodes[branchId]!.tokens!.toArray();
      expect(branch.slice(0, k)).toEqual(tokens.slice(0, k));
      expect(branch[k]).toMatchObject({ text: tokens[k]!.top![j]!.text, id: tokens[k]!.top![j]!.id });
      expect(session.loom.currentPath.at(-1)).toBe(branchId);

      const after = await orch.generate();
      expect(after.parentNodeId).toBe(branchId);
      expect(after.candidates).toHaveLength(3);
      const meta = session.loom.nodes[after.candidates[0]!.id]!.meta;
      // The branch's k+1 ids and then the engine's: the first step's 6 ids are not on this path.
      expect(meta).toMatchObject({ continuedFromTokenIds: k + 1 });
      for (const c of after.candidates) expect(c.text.length).toBeGreaterThan(0);

      const expected = JSON.parse(JSON.stringify(session.loom));
      (session as unknown as { lock: { release(): void } }).lock.release(); // as after kill -9: replay the journal
      const replayed = await readSession(tmp.dir);
      const got = JSON.parse(JSON.stringify(replayed.loom));
      expect(got.nodes).toEqual(expected.nodes);
      expect(got.decisions).toEqual(expected.decisions);
      expect(got.currentPath).toEqual(expected.currentPath);
    } finally {
      await generator.close();
    }
  });
});

describe("branchAtToken with a generator that continues from the text", () => {
  it("records on the continuation that the branch point was re-tokenised", async () => {
    // The scripted generator takes text only, as HTTP providers do; its logprobs and alternatives are seeded.
    const generator = new ScriptedGenerator({ seed: 3, whenExhausted: "seeded" });
    const loom = createLoom({
      seed: "The river",
      config: {
        generator: { provider: "scripted", branchingFactor: 2, segmentTokens: 3 },
        selector: { mode: "human" },
      },
    });
    const orch = await Orchestrator.open({ session: memorySession(loom), generator });
    const step = await orch.generate();
    const original = step.candidates[0]!.id;
    await orch.choose(original);
    const plain = await orch.generate();
    expect(loom.nodes[plain.candidates[0]!.id]!.meta["retokenized"]).toBeUndefined();
    const tokens = loom.nodes[original]!.tokens!.toArray();
    const j = tokens[1]!.top!.findIndex((t) => t.text !== tokens[1]!.text);
    await orch.reshape((l) => branchAtToken(l, original, 1, { alternative: j }));
    const after = await orch.generate();
    for (const c of after.candidates) expect(loom.nodes[c.id]!.meta).toMatchObject({ retokenized: true });
  });
});
