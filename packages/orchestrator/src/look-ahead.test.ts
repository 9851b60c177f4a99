// Expand to depth and several generators in one step, through the Orchestrator on a journaled session (scripted generators).
import { findInvariantViolations, openDecisionAt } from "@loom/core";
import { ScriptedGenerator } from "@loom/generators/test";
import { createSession, openSession, readSession } from "@loom/io";
import { afterEach, describe, expect, it } from "vitest";
import { Orchestrator } from "./orchestrator.js";
import { OrchestratorError } from "./orchestrator-error.js";
import { recordEvents, tempDir, testLoom } from "./test-support.js";

let tmp: ReturnType<typeof tempDir> | null = null;
afterEach(() => tmp?.cleanup());

describe("expand to depth", () => {
  it("adds depth levels of width candidates below a node without choosing, journaled, and replays whole", async () => {
    tmp = tempDir();
    const { loom, env } = testLoom();
    const session = await createSession(tmp.dir, loom);
    const orch = await Orchestrator.open({ session, generator: new ScriptedGenerator({ seed: 3 }), env });
    const events = recordEvents((l) => orch.on(l));
    const root = loom.rootId;
    const estimate = orch.estimateExpansion(root, { depth: 2, width: 3 });
    expect(estimate).toMatchObject({ nodes: 12, calls: 4, requests: 4, paid: false, costUsd: null, unpriced: [] });
    expect(estimate.outputTokens).toBe(12 * 4);

    const result = await orch.expand(root, { depth: 2, width: 3 });
    expect(result).toMatchObject({ levels: 2, aborted: false });
    expect(result.nodeIds).toHaveLength(12);
    expect(result.decisionIds).toHaveLength(4);
    const l = session.loom;
    expect(l.currentPath).toEqual([root]);
    expect(findInvariantViolations(l)).toEqual([]);
    const children = result.nodeIds.filter((id) => l.nodes[id]!.parentId === root);
    expect(children).toHaveLength(3);
    for (const child of children) {
      const grandchildren = result.nodeIds.filter((id) => l.nodes[id]!.parentId === child);
      expect(grandchildren).toHaveLength(3);
      expect(grandchildren.map((id) => l.nodes[id]!.meta["lookAhead"])).toEqual(
        Array(3).fill({ from: root, level: 2 }),
      );
      // Nothing chosen: each expanded node has an open decision the writer may take up later.
      expect(openDecisionAt(l, child)).not.toBeNull();
    }
    expect(events.filter((e) => e.type === "expanded")).toHaveLength(4);
    expect(events.some((e) => e.type === "decision")).toBe(false);
    // The level-2 prompts end with the level-1 node's path text.
    const deep = l.nodes[result.nodeIds.at(-1)!]!;
    expect(String(deep.meta["prompt"])).toContain(l.nodes[deep.parentId!]!.text);
    await session.close();

    const replayed = (await readSession(tmp.dir)).loom;
    expect(Object.keys(replayed.nodes).sort()).toEqual(Object.keys(l.nodes).sort());
    expect(replayed.currentPath).toEqual([root]);

    // Checking out an expanded node re-presents its look-ahead as the step's candidates (no model call).
    const again = await openSession(tmp.dir);
    const calls: number[] = [];
    const gen = new ScriptedGenerator({ seed: 3 });
    const wrapped = Object.assign(Object.create(gen) as ScriptedGenerator, {
      generate: (r: Parameters<ScriptedGenerator["generate"]>[0]) => (calls.push(1), gen.generate(r)),
    });
    const o2 = await Orchestrator.open({ session: again, generator: wrapped, env });
    await o2.checkout(children[0]!);
    const step = await o2.generate();
    expect(step.reused).toBe(true);
    expect(step.candidates).toHaveLength(3);
    expect(calls).toHaveLength(0);
    await again.close();
  });

  it("estimates a paid generator's cost from the price table and refuses runaway or unknown shapes", async () => {
    const { loom, env } = testLoom();
    const { memorySession } = await import("./session-like.js");
    const hosted = new ScriptedGenerator({ model: "davinci-002", capabilities: { hosted: true, nativeN: true } });
    const orch = await Orchestrator.open({
      session: memorySession(loom),
      generator: hosted,
      env,
      prices: { "scripted:davinci-002": { inputPerMTok: 2, outputPerMTok: 2 } },
    });
    const e = orch.estimateExpansion(loom.rootId, { depth: 3, width: 2 });
    // 2 + 4 + 8 nodes from 1 + 2 + 4 calls; prompts grow a segment a level.
    expect(e).toMatchObject({ nodes: 14, calls: 7, requests: 7, paid: true, unpriced: [] });
    const prompt = Math.ceil(loom.nodes[loom.rootId]!.text.length / 4);
    expect(e.inputTokens).toBe(prompt + 2 * (prompt + 4) + 4 * (prompt + 8));
    expect(e.outputTokens).toBe(14 * 4);
    expect(e.costUsd).toBeCloseTo(((e.inputTokens + e.outputTokens) * 2) / 1e6, 12);

    const unpriced = await Orchestrator.open({ session: memorySession(loom), generator: hosted, env });
    expect(unpriced.estimateExpansion(loom.rootId, { depth: 1, width: 2 })).toMatchObject({
      paid: true,
      costUsd: null,
      unpriced: ["scripted:davinci-002"],
    });
    const refused = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        expect(OrchestratorError.isInstance(error)).toBe(true);
        return (error as Error).message;
      }
      throw new Error("not refused");
    };
    expect(refused(() => orch.estimateExpansion(loom.rootId, { depth: 8, width: 8 }))).toMatch(/at most 2000/);
    expect(refused(() => orch.estimateExpansion(loom.rootId, { depth: 0, width: 2 }))).toMatch(/depth must be/);
    expect(refused(() => orch.estimateExpansion("n_nope", { depth: 1, width: 2 }))).toMatch(/no node "n_nope"/);
    await expect(orch.expand(loom.rootId, { depth: 1, width: 65 })).rejects.toThrow(/width must be/);
  });

  it("stops between calls on abort, keeping what was added", async () => {
    const { loom, env } = testLoom();
    const { memorySession } = await import("./session-like.js");
    const controller = new AbortController();
    const orch = await Orchestrator.open({ session: memorySession(loom), generator: new ScriptedGenerator(), env });
    orch.on((e) => {
      if (e.type === "expanded" && e.level === 2) controller.abort();
    });
    const r = await orch.expand(loom.rootId, { depth: 2, width: 2, signal: controller.signal });
    expect(r.aborted).toBe(true);
    expect(r.nodeIds).toHaveLength(4);
    expect(findInvariantViolations(loom)).toEqual([]);
  });
});

describe("several generators in one step", () => {
  it("offers candidates from each generator side by side, each node recording its model, usage counted per model", async () => {
    const { loom, env } = testLoom();
    const { memorySession } = await import("./session-like.js");
    const orch = await Orchestrator.open({
      session: memorySession(loom),
      generator: new ScriptedGenerator({ model: "first" }),
      alongside: [{ generator: new ScriptedGenerator({ model: "second", seed: 9 }), n: 2 }],
      env,
    });
    const step = await orch.generate();
    expect(step.candidates).toHaveLength(3 + 2);
    const models = step.candidates.map((c) => loom.nodes[c.id]!.meta["model"]);
    expect(models).toEqual(["first", "first", "first", "second", "second"]);
    expect(orch.getUsage().generator.map((g) => [g.model, g.requests])).toEqual([
      ["first", 1],
      ["second", 1],
    ]);
    // A look-ahead counts both: width 1 from the first, 2 from the second, per node.
    expect(orch.estimateExpansion(step.candidates[0]!.id, { depth: 2, width: 1 }).nodes).toBe(3 + 9);
  });
});
