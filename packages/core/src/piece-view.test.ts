import { describe, expect, it } from "vitest";
import {
  addCandidates,
  choose,
  createLoom,
  currentText,
  pieceView,
  sequentialEnv,
  setPieceSummary,
  switchPath,
  type Loom,
} from "./index.js";

/** A seed of `seedChars` characters of words, then `steps` chosen segments of ~30 characters. */
function grown(seedChars: number, steps: number): { loom: Loom; env: ReturnType<typeof sequentialEnv> } {
  const env = sequentialEnv();
  const words = "the lamp burned low in the hall while rain fell on the slate ";
  const loom = createLoom({ seed: words.repeat(Math.ceil(seedChars / words.length)).slice(0, seedChars) }, env);
  for (let i = 0; i < steps; i++) {
    const d = addCandidates(loom, loom.currentPath.at(-1)!, [{ text: ` step ${i} went on and on.` }, { text: " no" }], {
      env,
    });
    choose(loom, d.decisionId, d.nodeIds[0]!, "auto", "r", env);
  }
  return { loom, env };
}

describe("pieceView", () => {
  it("shows a piece that fits whole", () => {
    const { loom } = grown(400, 3);
    const view = pieceView(loom, currentText(loom), 1000);
    expect(view.record.shown).toBe("whole");
    expect(view.opening).toBe(currentText(loom));
    expect(view.record.total.chars).toBe(currentText(loom).length);
  });

  it("cuts a long piece into opening, an elided middle counted plainly, and the recent passage, within the budget", () => {
    const { loom } = grown(400, 200);
    const text = currentText(loom);
    const view = pieceView(loom, text, 500);
    const r = view.record;
    expect(r.shown).toBe("cut");
    expect(text.startsWith(view.opening)).toBe(true);
    expect(text.endsWith(view.recent)).toBe(true);
    expect(view.summary).toBeNull();
    // Everything is accounted for: shown, or elided with its size.
    expect(r.opening.chars + r.elided!.chars + r.recent.chars).toBe(text.length);
    expect(r.opening.tokens + r.recent.tokens).toBeLessThanOrEqual(500);
    // Cuts fall between words.
    expect(view.opening).toMatch(/\s$/);
    // (The recent passage starts with a segment when one starts near: the segment brings its own space.)
    expect(`${text[text.length - view.recent.length - 1]}${view.recent[0]}`).toMatch(/\s/);
    expect(view.summarisableThrough).not.toBeNull();
  });

  it("uses the middle's summary when it covers through a node on the current path, eliding only what it does not cover", () => {
    const { loom, env } = grown(400, 200);
    const text = currentText(loom);
    const through = pieceView(loom, text, 500).summarisableThrough!;
    setPieceSummary(loom, "A lamp, a hall, rain: the same evening told many times.", through, env);
    const view = pieceView(loom, text, 500);
    expect(view.summary).toMatchObject({ version: 1, throughNodeId: through });
    expect(view.record.summary).toMatchObject({ version: 1, cut: false });
    expect(view.record.elided).toBeNull();

    // A summary longer than its share is cut, and says so.
    setPieceSummary(loom, "long ".repeat(2000), through, env);
    const long = pieceView(loom, text, 500);
    expect(long.record.summary).toMatchObject({ version: 2, cut: true });
    expect(long.record.opening.tokens + long.record.summary!.tokens + long.record.recent.tokens).toBeLessThanOrEqual(
      500,
    );

    // On a branch that leaves the path before the summary's node, the summary does not apply: the middle is elided.
    const step100 = loom.nodes[loom.currentPath[100]!]!;
    const sibling = loom.decisions[step100.decisionId!]!.candidateNodeIds.find((id) => id !== step100.id)!;
    switchPath(loom, sibling, env);
    const other = pieceView(loom, currentText(loom), 500);
    expect(other.record.shown).toBe("cut");
    expect(other.summary).toBeNull();
    expect(other.record.elided).not.toBeNull();
  });
});
