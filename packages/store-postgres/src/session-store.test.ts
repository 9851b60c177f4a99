import {
  addCandidates,
  answerClarification,
  checkout,
  choose,
  createLoom,
  currentText,
  findInvariantViolations,
  mergeNode,
  pruneNode,
  redo,
  resolveDecision,
  sequentialEnv,
  splitNode,
  tagNode,
  undo,
  type Loom,
} from "@loom/core";
import { IoError, SessionLockedError, type Session, type SessionStore } from "@loom/io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { filesUnderTest, postgresUnderTest, type StoreUnderTest } from "./test-support/both-stores.js";

// One suite, both backends: what a user of the SessionStore interface sees must not depend on where sessions live.
describe.each([
  ["files", filesUnderTest],
  ["postgres", postgresUnderTest],
] as const)("session store: %s", (_kind, make) => {
  let under: StoreUnderTest;
  let store: SessionStore;
  beforeAll(async () => {
    under = await make();
    store = under.open();
  });
  afterAll(async () => {
    await store?.close();
    await under?.dispose();
  });

  const env = () => sequentialEnv();
  /** One token with top-5 alternatives, as a model with logprobs gives it. */
  const tokens = (text: string, logprob: number) => [
    { text, logprob, top: [" a", " the", " of", " and", " to"].map((t, k) => ({ text: t, logprob: logprob - k - 1 })) },
  ];
  /** A loom as stored (JSON): packed token lists become plain tokens, so two looms compare by content. */
  const asStored = (loom: Loom): unknown => JSON.parse(JSON.stringify(loom));

  /** A few steps of a real session: candidates with logprobs, a choice, a clarification answered, a checkout. */
  function steps(session: Session, e: ReturnType<typeof env>): string[] {
    const decided: string[] = [];
    for (let i = 0; i < 4; i++) {
      const tip = session.loom.currentPath[session.loom.currentPath.length - 1]!;
      const { decisionId, nodeIds } = session.mutate((l) =>
        addCandidates(
          l,
          tip,
          [
            { text: ` one${i}`, stepLogprob: -1.25, tokens: tokens(` one${i}`, -1.25) },
            { text: ` two${i}`, stepLogprob: -2.5, tokens: tokens(` two${i}`, -2.5) },
            { text: ` three${i}`, stepLogprob: null },
          ],
          { env: e },
        ),
      );
      if (i === 2) {
        session.mutate((l) =>
          resolveDecision(
            l,
            decisionId,
            {
              action: "clarify",
              chosenBy: "selector_llm",
              question: "calm or storm?",
              candidatesInTension: nodeIds.slice(0, 2),
              whatHingesOnIt: "the tone",
            },
            e,
          ),
        );
        session.mutate((l) =>
          answerClarification(
            l,
            decisionId,
            "storm",
            { action: "choose", chosenNodeId: nodeIds[1]!, chosenBy: "human", reason: "asked" },
            e,
          ),
        );
      } else {
        session.mutate((l) => choose(l, decisionId, nodeIds[i % 3]!, "selector_llm", `step ${i}`, e));
      }
      decided.push(decisionId);
    }
    return decided;
  }

  it("commits decisions that a reader sees once flushed, and reopens to the same loom", async () => {
    const e = env();
    const session = await store.create("s-commit", createLoom({ seed: "Once upon a time", sessionId: "s1" }, e));
    const decided = steps(session, e);
    expect(session.seq).toBe(9);
    await session.flush();
    const seen = await store.read("s-commit"); // no close: the committed ops alone carry the decisions
    expect(asStored(seen.loom)).toEqual(asStored(session.loom));
    expect(currentText(seen.loom)).toBe("Once upon a time one0 two1 two2 one3");
    expect(seen.loom.decisions[decided[0]!]!.logprobGap).toBe(0);
    expect(seen.loom.decisions[decided[1]!]!.logprobGap).toBe(-1.25);
    expect(seen.loom.decisions[decided[2]!]!.humanResponse).toBe("storm");
    const expected = asStored(session.loom);
    await session.close();

    const again = await store.open("s-commit");
    expect(asStored(again.loom)).toEqual(expected);
    expect(again.seq).toBe(9);
    const root = again.loom.rootId;
    again.mutate((l) => checkout(l, root));
    await again.close();
    expect((await store.read("s-commit")).loom.currentPath).toEqual([root]);
  });

  it("keeps tree edits and their undo and redo across a reopen", async () => {
    const e = env();
    const session = await store.create("s-tree", createLoom({ seed: "The river", sessionId: "s2" }, e));
    steps(session, e);
    const path = session.loom.currentPath;
    session.mutate((l) => splitNode(l, path[2]!, 3, e));
    session.mutate((l) => tagNode(l, path[1]!, "keep", true, e));
    session.mutate((l) =>
      pruneNode(
        l,
        session.loom.decisions[session.loom.nodes[path[1]!]!.decisionId!]!.candidateNodeIds.find(
          (id) => id !== path[1],
        )!,
        e,
      ),
    );
    session.mutate((l) => undo(l, e));
    session.mutate((l) => undo(l, e));
    session.mutate((l) => redo(l, e));
    const split = session.loom.currentPath[3]!;
    session.mutate((l) => mergeNode(l, session.loom.nodes[split]!.parentId!, e));
    expect(findInvariantViolations(session.loom)).toEqual([]);
    const expected = asStored(session.loom);
    await session.close();
    const { loom } = await store.read("s-tree");
    expect(asStored(loom)).toEqual(expected);
  });

  it("keeps side state, and reads a missing name as null", async () => {
    const session = await store.create("s-state", createLoom({ seed: "State" }));
    expect(await session.readState("usage")).toBeNull();
    await session.writeState("usage", { calls: 3, cost: 0.25, note: "nul \u0000 and ünïcode" });
    await session.writeState("usage", { calls: 4, cost: 0.5, note: "nul \u0000 and ünïcode" });
    expect(await session.readState("usage")).toEqual({ calls: 4, cost: 0.5, note: "nul \u0000 and ünïcode" });
    await session.close();
    const again = await store.open("s-state", { readOnly: true });
    expect(await again.readState("usage")).toEqual({ calls: 4, cost: 0.5, note: "nul \u0000 and ünïcode" });
    await again.close();
  });

  it("compacts without changing the loom, and commits after compaction", async () => {
    const e = env();
    const session = await store.create("s-compact", createLoom({ seed: "Compact" }, e));
    steps(session, e);
    await session.compact();
    const { decisionId, nodeIds } = session.mutate((l) =>
      addCandidates(l, l.currentPath[l.currentPath.length - 1]!, [{ text: " after" }], { env: e }),
    );
    session.mutate((l) => choose(l, decisionId, nodeIds[0]!, "human", "last", e));
    const expected = asStored(session.loom);
    await session.close();
    const again = await store.open("s-compact");
    expect(asStored(again.loom)).toEqual(expected);
    expect(again.seq).toBe(11);
    await again.close();
  });

  it("refuses a second writer with an error naming the holder, allows readers, and frees the session on close", async () => {
    const first = await store.create("s-lock", createLoom({ seed: "Locked" }));
    const second = under.open(); // another client, as another process would have
    try {
      const refused = await second.open("s-lock").then(
        () => null,
        (error: unknown) => error,
      );
      expect(SessionLockedError.isInstance(refused)).toBe(true);
      const locked = refused as SessionLockedError;
      expect(locked.holder.pid).toBe(process.pid);
      expect(locked.message).toContain(`process ${process.pid}`);
      expect(locked.message).toContain("open this one read-only");

      const reader = await second.open("s-lock", { readOnly: true });
      expect(reader.readOnly).toBe(true);
      expect(() => reader.mutate((l) => checkout(l, l.rootId))).toThrow(/read-only/);
      await reader.close();

      await first.close();
      const now = await second.open("s-lock");
      expect(now.readOnly).toBe(false);
      await now.close();
    } finally {
      await first.close();
      await second.close();
    }
  });

  it("names the session in errors: an existing id, a missing one, a closed session, an invalid loom", async () => {
    const made = await store.create("s-errors", createLoom({ seed: "Errors" }));
    await made.close();
    const exists = await store.create("s-errors", createLoom({ seed: "again" })).catch((e: unknown) => e);
    expect(IoError.isInstance(exists) && exists.code).toBe("session_exists");
    const missing = await store.open("s-nobody").catch((e: unknown) => e);
    expect(IoError.isInstance(missing) && missing.code).toBe("not_a_session");
    expect((missing as Error).message).toContain("s-nobody");
    expect(() => made.mutate((l) => checkout(l, l.rootId))).toThrow(/closed/);

    const broken = createLoom({ seed: "Bad" });
    broken.currentPath = ["n_missing"];
    const invalid = await store.create("s-invalid", broken).catch((e: unknown) => e);
    expect(IoError.isInstance(invalid) && invalid.code).toBe("invariant");
    expect(await store.list()).not.toContain("s-invalid");
  });

  it("lists the sessions it holds", async () => {
    const ids = await store.list();
    for (const id of ["s-commit", "s-state", "s-lock", "s-errors"]) expect(ids).toContain(id);
  });
});
