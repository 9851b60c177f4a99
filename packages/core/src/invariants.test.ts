import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addCandidates,
  addHumanNode,
  answerClarification,
  applyOp,
  checkout,
  createLoom,
  currentText,
  editNode,
  findInvariantViolations,
  holdPath,
  type Loom,
  LoomError,
  type LoomOp,
  LoomSchema,
  openDecisionAt,
  pendingClarification,
  releasePath,
  switchPath,
  resolveDecision,
  sequentialEnv,
  rootPath,
} from "./index.js";
import { decisionsUnder, stopDecisionAt } from "./internal.js";
import { collectInvariantViolations, invariantsHold, type StoredNodes, storedInvariantsHold } from "./invariants.js";

// A command picks its targets by index into what exists, so every generated sequence is meaningful.
type Command =
  | { kind: "add"; at: number; texts: string[]; logprobs: (number | null)[] }
  | { kind: "choose"; pick: number }
  | { kind: "clarify"; pick: number }
  | { kind: "answer"; pick: number; stop: boolean }
  | { kind: "stop" }
  | { kind: "checkout"; at: number }
  | { kind: "hold"; at: number }
  | { kind: "release"; at: number }
  | { kind: "switch"; at: number }
  | { kind: "human"; at: number; text: string }
  | { kind: "edit"; at: number; text: string };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    kind: fc.constant("add" as const),
    at: fc.nat(),
    texts: fc.array(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 4 }),
    logprobs: fc.array(fc.option(fc.double({ min: -20, max: 0, noNaN: true }).map((x) => x + 0)) /* JSON has no -0 */, {
      minLength: 4,
      maxLength: 4,
    }),
  }),
  fc.record({ kind: fc.constant("choose" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("clarify" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("answer" as const), pick: fc.nat(), stop: fc.boolean() }),
  fc.record({ kind: fc.constant("stop" as const) }),
  fc.record({ kind: fc.constant("checkout" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("hold" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("release" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("switch" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("human" as const), at: fc.nat(), text: fc.string({ maxLength: 5 }) }),
  fc.record({ kind: fc.constant("edit" as const), at: fc.nat(), text: fc.string({ maxLength: 5 }) }),
);

const pickOf = <T>(xs: readonly T[], i: number): T | undefined => (xs.length ? xs[i % xs.length] : undefined);

/** Run one command; returns the ops it produced (none when the command does not apply). */
function run(loom: Loom, c: Command, env: ReturnType<typeof sequentialEnv>): LoomOp[] {
  const ids = Object.keys(loom.nodes);
  const tip = loom.currentPath[loom.currentPath.length - 1]!;
  const open = openDecisionAt(loom, tip);
  switch (c.kind) {
    case "add": {
      const parent = pickOf(ids, c.at)!;
      const decisionId = openDecisionAt(loom, parent) ?? undefined;
      const cands = c.texts.map((text, i) => ({ text, stepLogprob: c.logprobs[i] ?? null }));
      return [addCandidates(loom, parent, cands, { env, ...(decisionId ? { decisionId } : {}) }).op];
    }
    case "choose": {
      if (!open) return [];
      const cand = pickOf(loom.decisions[open]!.candidateNodeIds, c.pick)!;
      return [
        resolveDecision(loom, open, { action: "choose", chosenNodeId: cand, chosenBy: "auto", reason: "r" }, env),
      ];
    }
    case "clarify": {
      if (!open || pendingClarification(loom)) return [];
      const cand = pickOf(loom.decisions[open]!.candidateNodeIds, c.pick)!;
      return [
        resolveDecision(
          loom,
          open,
          {
            action: "clarify",
            chosenBy: "selector_llm",
            question: "q?",
            candidatesInTension: [cand],
            whatHingesOnIt: "w",
          },
          env,
        ),
      ];
    }
    case "answer": {
      const pending = pendingClarification(loom);
      if (!pending) return [];
      const cand = pickOf(pending.candidateNodeIds, c.pick)!;
      return [
        answerClarification(
          loom,
          pending.id,
          "a",
          c.stop
            ? { action: "stop", chosenBy: "human", reason: "done" }
            : { action: "choose", chosenNodeId: cand, chosenBy: "human", reason: "a" },
          env,
        ),
      ];
    }
    case "stop":
      return open ? [resolveDecision(loom, open, { action: "stop", chosenBy: "human", reason: "s" }, env)] : [];
    case "checkout":
      return [checkout(loom, pickOf(ids, c.at)!)];
    case "hold":
      return [holdPath(loom, pickOf(ids, c.at)!)];
    case "release": {
      const held = pickOf(loom.heldPaths, c.at);
      return held ? [releasePath(loom, held[held.length - 1]!)] : [];
    }
    case "switch": {
      const target = pickOf(ids, c.at)!;
      return target === tip ? [] : [switchPath(loom, target, env)];
    }
    case "human":
      return [addHumanNode(loom, pickOf(ids, c.at)!, c.text, env).op];
    case "edit": {
      const target = pickOf(
        ids.filter((id) => id !== loom.rootId),
        c.at,
      );
      return target ? [editNode(loom, target, c.text, env).op] : [];
    }
  }
}

/** The index applyOp keeps (built at the first lookup, then kept by each op) answers what a scan of every decision answers. */
function expectIndexAgreesWithScan(loom: Loom): void {
  const all = Object.values(loom.decisions);
  for (const nodeId of Object.keys(loom.nodes)) {
    expect(openDecisionAt(loom, nodeId)).toBe(
      all.find((d) => d.parentNodeId === nodeId && d.action === null)?.id ?? null,
    );
    expect(stopDecisionAt(loom, nodeId)?.id ?? null).toBe(
      all.find((d) => d.parentNodeId === nodeId && d.action === "stop")?.id ?? null,
    );
    expect(decisionsUnder(loom, nodeId)).toEqual(all.filter((d) => d.parentNodeId === nodeId).map((d) => d.id));
  }
  const pending = all.filter((d) => d.action === "clarify" && d.humanResponse === null).map((d) => d.id);
  expect(pending.length).toBeLessThanOrEqual(1);
  expect(pendingClarification(loom)?.id ?? null).toBe(pending[0] ?? null);
}

describe("invariants under random operation sequences", () => {
  it("hold after every operation, and a journal of the ops replays to the same loom", () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 60 }), (commands) => {
        const env = sequentialEnv();
        const loom = createLoom({ seed: "seed" }, env);
        const start = structuredClone(loom);
        const journal: LoomOp[] = [];
        for (const c of commands) {
          journal.push(...run(loom, c, env));
          expect(findInvariantViolations(loom)).toEqual([]);
          // The current text is exactly the concatenation of the current path's segments.
          expect(currentText(loom)).toBe(loom.currentPath.map((id) => loom.nodes[id]!.text).join(""));
          expect(rootPath(loom, loom.currentPath[loom.currentPath.length - 1]!)).toEqual(loom.currentPath);
          expectIndexAgreesWithScan(loom);
        }
        const replayed = structuredClone(start);
        for (const op of JSON.parse(JSON.stringify(journal)) as LoomOp[]) applyOp(replayed, op);
        expect(replayed).toEqual(loom);
        expect(LoomSchema.parse(JSON.parse(JSON.stringify(loom)))).toEqual(loom);
      }),
      { numRuns: 200 },
    );
  });

  it("a failing op changes nothing", () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 30 }), fc.string(), (commands, bogus) => {
        const env = sequentialEnv();
        const loom = createLoom({ seed: "s" }, env);
        for (const c of commands) run(loom, c, env);
        const before = JSON.stringify(loom);
        const attempts: LoomOp[] = [
          { op: "checkout", nodeId: `missing-${bogus}` },
          { op: "release", tipId: `missing-${bogus}` },
          {
            op: "resolve",
            decisionId: `missing-${bogus}`,
            at: "t",
            resolution: { action: "stop", chosenBy: "human", reason: "x" },
          },
        ];
        for (const op of attempts) {
          expect(() => applyOp(loom, op)).toThrow(LoomError);
          expect(JSON.stringify(loom)).toBe(before);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe("invariant checker", () => {
  it("names the field of each violation", () => {
    const env = sequentialEnv();
    const loom = createLoom({ seed: "s" }, env);
    const d = addCandidates(loom, loom.rootId, [{ text: "a" }, { text: "b" }], { env });
    const [a, b] = d.nodeIds as [string, string];
    const broken = structuredClone(loom);
    broken.currentPath = [loom.rootId, a, b];
    broken.nodes[a]!.parentId = b;
    broken.nodes[b]!.parentId = a;
    const fields = findInvariantViolations(broken).map((v) => v.field);
    expect(fields).toContain("currentPath[1]");
    expect(fields.some((f) => f === `nodes.${a}` || f === `nodes.${b}`)).toBe(true);
    const dangling = structuredClone(loom);
    dangling.nodes[a]!.parentId = "ghost";
    expect(findInvariantViolations(dangling)).toContainEqual({
      field: `nodes.${a}.parentId`,
      message: expect.stringMatching(/ghost/),
    });
  });

  it("computes the text of a 50,000-deep path without recursion or quadratic copies", () => {
    const env = sequentialEnv();
    const loom = createLoom({ seed: "" }, env);
    let parent = loom.rootId;
    for (let i = 0; i < 50_000; i++) {
      const d = addCandidates(loom, parent, [{ text: "ab" }], { env });
      resolveDecision(
        loom,
        d.decisionId,
        { action: "choose", chosenNodeId: d.nodeIds[0]!, chosenBy: "auto", reason: "r" },
        env,
      );
      parent = d.nodeIds[0]!;
    }
    expect(currentText(loom).length).toBe(100_000);
    expect(loom.currentPath.length).toBe(50_001);
    expect(findInvariantViolations(loom)).toEqual([]);
  });
});

/** Damage to a sound loom, each naming what it breaks; returns false when the loom offers nothing to damage that way. */
const corruptions: Record<string, (loom: Loom, i: number) => boolean> = {
  // The case a count of matches would miss: [a, a] adds up like [a, b], and b is left unlisted.
  "candidate listed twice in place of another": (loom, i) => {
    const d = pickOf(
      Object.values(loom.decisions).filter((d) => d.candidateNodeIds.length >= 2),
      i,
    );
    if (!d) return false;
    d.candidateNodeIds[1] = d.candidateNodeIds[0]!;
    return true;
  },
  "dangling parent": (loom, i) => {
    const n = pickOf(
      Object.values(loom.nodes).filter((n) => n.parentId !== null),
      i,
    );
    if (!n) return false;
    n.parentId = "ghost";
    return true;
  },
  "parent cycle": (loom, i) => {
    const n = pickOf(
      Object.values(loom.nodes).filter((n) => n.parentId !== null),
      i,
    );
    if (!n) return false;
    n.parentId = n.id;
    return true;
  },
  "currentPath not a root path": (loom, i) => {
    const at = 1 + (i % loom.currentPath.length);
    loom.currentPath.splice(at, 0, loom.rootId);
    return true;
  },
  "currentPath not from the root": (loom) => {
    loom.currentPath = loom.currentPath.slice(1);
    return true;
  },
  "held path through an unknown node": (loom, i) => {
    const p = pickOf(loom.heldPaths, i);
    if (!p) return false;
    p.push("ghost");
    return true;
  },
  "chosen node not a candidate": (loom, i) => {
    const d = pickOf(
      Object.values(loom.decisions).filter((d) => d.action === "choose"),
      i,
    );
    if (!d) return false;
    d.chosenNodeId = d.parentNodeId;
    return true;
  },
  "chosen node on an unresolved decision": (loom, i) => {
    const d = pickOf(
      Object.values(loom.decisions).filter((d) => d.action !== "choose" && d.candidateNodeIds.length > 0),
      i,
    );
    if (!d) return false;
    d.chosenNodeId = d.candidateNodeIds[0]!;
    return true;
  },
  "candidate under another parent": (loom, i) => {
    const d = pickOf(
      Object.values(loom.decisions).filter((d) => d.candidateNodeIds.length > 0),
      i,
    );
    if (!d) return false;
    loom.nodes[d.candidateNodeIds[0]!]!.parentId = loom.rootId === d.parentNodeId ? "ghost" : loom.rootId;
    return true;
  },
  "candidate that is not a node": (loom, i) => {
    const d = pickOf(Object.values(loom.decisions), i);
    if (!d) return false;
    d.candidateNodeIds.push("ghost");
    return true;
  },
  "node unlisted by its decision": (loom, i) => {
    const d = pickOf(
      Object.values(loom.decisions).filter(
        (d) => d.candidateNodeIds.length > 0 && d.chosenNodeId !== d.candidateNodeIds.at(-1),
      ),
      i,
    );
    if (!d) return false;
    d.candidateNodeIds.pop();
    return true;
  },
  "node naming an unknown decision": (loom, i) => {
    const n = pickOf(Object.values(loom.nodes), i)!;
    n.decisionId = "ghost";
    return true;
  },
  "decision under an unknown node": (loom, i) => {
    const d = pickOf(Object.values(loom.decisions), i);
    if (!d) return false;
    d.parentNodeId = "ghost";
    return true;
  },
  "decision stored under another key": (loom, i) => {
    const d = pickOf(Object.values(loom.decisions), i);
    if (!d) return false;
    d.id = "other";
    return true;
  },
  "node stored under another key": (loom, i) => {
    const n = pickOf(Object.values(loom.nodes), i)!;
    n.id = "other";
    return true;
  },
  "root with a parent": (loom, i) => {
    loom.nodes[loom.rootId]!.parentId = pickOf(Object.keys(loom.nodes), i)!;
    return true;
  },
  "second parentless node": (loom, i) => {
    const n = pickOf(
      Object.values(loom.nodes).filter((n) => n.parentId !== null),
      i,
    );
    if (!n) return false;
    n.parentId = null;
    return true;
  },
  "replaces an unknown node": (loom, i) => {
    const n = pickOf(Object.values(loom.nodes), i)!;
    n.replacesId = "ghost";
    return true;
  },
};

/** The loom with its nodes stored in reverse: as sound as before, but not parents first. */
function childrenFirst(loom: Loom): Loom {
  const nodes: Loom["nodes"] = {};
  for (const id of Object.keys(loom.nodes).reverse()) nodes[id] = loom.nodes[id]!;
  return { ...loom, nodes };
}

/** What a snapshot reader vouches for after storing `loom`'s nodes one by one in their order (as it checks them then). */
function storedFacts(loom: Loom): StoredNodes {
  const order = Object.values(loom.nodes);
  // A reader stores each node under its own id: it never makes a nodes object that breaks that, nor vouches for one.
  const of = Object.entries(loom.nodes).every(([key, node]) => node.id === key) ? loom.nodes : {};
  const seen = new Set<string>();
  let parentsFirst = true;
  for (const node of order) {
    const parentId = node.parentId;
    if (seen.size === 0 ? parentId !== null : parentId === null || !seen.has(parentId)) parentsFirst = false;
    seen.add(node.id);
  }
  // Decisions likewise, each under its own id; a reader stores them in their own order, so any order is fair.
  const stored = Object.values(loom.decisions);
  const decisionsOf = Object.entries(loom.decisions).every(([key, d]) => d.id === key) ? loom.decisions : {};
  return { of, order, parentsFirst, decisions: { of: decisionsOf, order: stored.reverse() } };
}

describe("fast invariant pass", () => {
  const grown = (commands: Command[]) => {
    const env = sequentialEnv();
    const loom = createLoom({ seed: "seed" }, env);
    for (const c of commands) run(loom, c, env);
    return loom;
  };

  it("vouches for every loom grown by ops (so loading one never needs the full pass)", () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 60 }), (commands) => {
        const loom = grown(commands);
        expect(invariantsHold(loom)).toBe(true);
        expect(collectInvariantViolations(loom)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it("agrees with the full pass on corrupted looms, and never vouches for a broken one", () => {
    const names = Object.keys(corruptions);
    fc.assert(
      fc.property(fc.array(command, { maxLength: 40 }), fc.constantFrom(...names), fc.nat(), (commands, name, i) => {
        const loom = grown(commands);
        if (!corruptions[name]!(loom, i)) return;
        const full = collectInvariantViolations(loom);
        expect(full.length).toBeGreaterThan(0);
        expect(invariantsHold(loom)).toBe(false);
        expect(findInvariantViolations(loom)).toEqual(full);
      }),
      { numRuns: 1000 },
    );
  });

  it("declines what it cannot vouch for cheaply, and the full pass still accepts it", () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 40 }), (commands) => {
        const loom = grown(commands);
        if (Object.keys(loom.nodes).length < 2) return;
        const reordered = childrenFirst(loom);
        expect(invariantsHold(reordered)).toBe(false);
        expect(findInvariantViolations(reordered)).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  it("gives the same answer from a reader's stored facts as from a pass over the nodes, sound or corrupted", () => {
    const names = Object.keys(corruptions);
    fc.assert(
      fc.property(
        fc.array(command, { maxLength: 40 }),
        fc.option(fc.constantFrom(...names)),
        fc.nat(),
        fc.boolean(),
        (commands, name, i, reversed) => {
          let loom = grown(commands);
          if (name !== null) corruptions[name]!(loom, i);
          if (reversed) loom = childrenFirst(loom);
          const stored = storedFacts(loom);
          expect(storedInvariantsHold(loom, stored)).toBe(invariantsHold(loom));
          // Facts about another nodes object are not taken.
          const other = { ...stored, of: { ...loom.nodes }, parentsFirst: true };
          expect(storedInvariantsHold(loom, other)).toBe(invariantsHold(loom));
          // Nor facts about another decisions object (the decisions are then enumerated), nor none.
          const otherDecisions = { ...stored, decisions: { of: { ...loom.decisions }, order: [] } };
          expect(storedInvariantsHold(loom, otherDecisions)).toBe(invariantsHold(loom));
          const { decisions: _, ...nodesOnly } = stored;
          expect(storedInvariantsHold(loom, nodesOnly)).toBe(invariantsHold(loom));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("checks a decision without candidates for its parent", () => {
    const env = sequentialEnv();
    const loom = createLoom({ seed: "s" }, env);
    const d = addCandidates(loom, loom.rootId, [{ text: "a" }], { env });
    const empty = { ...structuredClone(loom.decisions[d.decisionId]!), id: "empty", candidateNodeIds: [] };
    loom.decisions["empty"] = empty;
    expect(invariantsHold(loom)).toBe(true);
    empty.parentNodeId = "ghost";
    expect(invariantsHold(loom)).toBe(false);
    expect(findInvariantViolations(loom)).toEqual([
      { field: "decisions.empty.parentNodeId", message: 'names unknown node "ghost"' },
    ]);
  });

  it("rejects a decision that lists a candidate twice, naming the second place", () => {
    const env = sequentialEnv();
    const loom = createLoom({ seed: "s" }, env);
    const d = addCandidates(loom, loom.rootId, [{ text: "a" }, { text: "b" }], { env });
    const [a] = d.nodeIds as [string, string];
    expect(invariantsHold(loom)).toBe(true);
    loom.decisions[d.decisionId]!.candidateNodeIds.push(a);
    expect(invariantsHold(loom)).toBe(false);
    expect(findInvariantViolations(loom)).toEqual([
      { field: `decisions.${d.decisionId}.candidateNodeIds[2]`, message: `lists "${a}" a second time` },
    ]);
  });
});
