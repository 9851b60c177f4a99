// A list of PostgreSQL sessions is summarised by queries (counts, the last path chunk, the decisions under the tip):
// the same summary a whole read gives, for sessions open, stopped, awaiting an answer and deeper than one path chunk.
import { addCandidates, choose, createLoom, resolveDecision, sessionSummary, type Loom } from "@loom/core";
import { realisticLoom } from "@loom/testkit";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { PATH_CHUNK } from "./path-rows.js";
import { storePerFile } from "./test-support/store-per-file.js";

const pg = storePerFile();

/** A loom whose tip holds one decision resolved as `action` (or left open). */
function endingIn(action: "open" | "stop" | "clarify", title?: string): Loom {
  const loom = createLoom({ seed: `Ending in ${action}:`, ...(title ? { brief: { title } } : {}) });
  const first = addCandidates(loom, loom.rootId, [{ text: " a" }, { text: " b" }]);
  choose(loom, first.decisionId, first.nodeIds[0]!, "human", "first");
  const second = addCandidates(loom, first.nodeIds[0]!, [{ text: " c" }, { text: " d" }]);
  if (action === "stop") resolveDecision(loom, second.decisionId, { action, chosenBy: "auto", reason: "done" });
  if (action === "clarify")
    resolveDecision(loom, second.decisionId, {
      action,
      chosenBy: "selector_llm",
      question: "Which voice?",
      candidatesInTension: second.nodeIds,
      whatHingesOnIt: "the narrator",
    });
  return loom;
}

describe("summaries", () => {
  it("agree with a whole read's summary for every session, without reading a loom", async () => {
    const looms: Record<string, Loom> = {
      open: endingIn("open", "An open one"),
      stopped: endingIn("stop"),
      asking: endingIn("clarify", "A question"),
      // Three path chunks: the depth is counted from the last chunk's position and size.
      deep: realisticLoom({ decisions: 2 * PATH_CHUNK + 7, branching: 2, seed: 5 }),
    };
    for (const [id, loom] of Object.entries(looms)) await (await pg.store.create(id, loom)).close();
    // Grown a commit a step past a chunk: its tip's chunk is a row per commit (schema 8), the depth counted from the last.
    const grown = await pg.store.create("grown", createLoom({ seed: "Grown" }));
    for (let i = 0; i < PATH_CHUNK + 3; i++) {
      const tip = grown.loom.currentPath[grown.loom.currentPath.length - 1]!;
      const { decisionId, nodeIds } = grown.mutate((l) => addCandidates(l, tip, [{ text: ` g${i}` }]));
      grown.mutate((l) => choose(l, decisionId, nodeIds[0]!, "human", "on"));
      await grown.flush();
    }
    await grown.close();
    const listed = await pg.store.summaries();
    expect(listed.map((s) => s.id)).toEqual([...Object.keys(looms), "grown"].sort());
    for (const { id, summary } of listed) {
      const whole = sessionSummary((await pg.store.read(id)).loom);
      expect(summary, id).toEqual(whole);
    }
    const byId = Object.fromEntries(listed.map((s) => [s.id, s.summary]));
    expect(byId.open).toMatchObject({ state: "open", undecided: true, steps: 1, title: "An open one" });
    expect(byId.stopped).toMatchObject({ state: "stopped", undecided: false });
    expect(byId.asking).toMatchObject({ state: "awaiting-answer" });
    expect(byId.deep).toMatchObject({ steps: 2 * PATH_CHUNK + 7, nodes: 1 + 2 * (2 * PATH_CHUNK + 7) });
    expect(byId.grown).toMatchObject({ steps: PATH_CHUNK + 3 });
  });

  it("give a damaged session its error, naming the session and what is wrong, and list the others", async () => {
    await (await pg.store.create("whole", endingIn("open"))).close();
    await (await pg.store.create("broken", endingIn("open"))).close();
    const sql = postgres(pg.db.url, { max: 1, onnotice: () => {} });
    try {
      await sql`delete from loom_path_chunks where session_id = 'broken'`;
    } finally {
      await sql.end();
    }
    const byId = Object.fromEntries((await pg.store.summaries()).map((s) => [s.id, s.summary]));
    expect(byId.whole).toMatchObject({ state: "open" });
    expect(byId.broken).toBeInstanceOf(Error);
    expect((byId.broken as Error).message).toMatch(/current path has no rows/);
    expect((byId.broken as Error).message).toContain("#broken");
  });
});
