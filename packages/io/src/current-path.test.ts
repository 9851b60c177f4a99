// The current path and its open decision read from the snapshot's first frames agree with a full read, and fall back to it when the journal holds more.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addCandidates, choose, createLoom, currentText, resolveDecision, sequentialEnv } from "@loom/core";
import { afterAll, describe, expect, it } from "vitest";
import { createSession, openSession, readCurrentPath, readSession } from "./index.js";

const tmp = mkdtempSync(join(tmpdir(), "loom-path-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("readCurrentPath", () => {
  it("reads the path and the open decision from the path frames of a closed session, and the same from a full read otherwise", async () => {
    const dir = join(tmp, "s");
    const env = sequentialEnv();
    const s = await createSession(dir, createLoom({ seed: "Once", sessionId: "s-path" }, env));
    for (let i = 0; i < 30; i++) {
      const tip = s.loom.currentPath.at(-1)!;
      const { decisionId, nodeIds } = s.mutate((l) =>
        addCandidates(
          l,
          tip,
          [
            { text: ` a${i}`, tokens: [{ text: ` a${i}`, logprob: -1, top: [{ text: " z", logprob: -2 }] }] },
            { text: ` b${i}` },
          ],
          { env },
        ),
      );
      s.mutate((l) => choose(l, decisionId, nodeIds[i % 2]!, "auto", "r", env));
    }
    const open = s.mutate((l) => addCandidates(l, l.currentPath.at(-1)!, [{ text: " x" }, { text: " y" }], { env }));
    await s.close();
    const full = await readSession(dir);
    const view = await readCurrentPath(dir);
    expect(view.read).toBe("path-frames");
    expect(view.text).toBe(currentText(full.loom));
    expect(view.path).toEqual(full.loom.currentPath);
    expect(view.open?.decision).toEqual(full.loom.decisions[open.decisionId]);
    expect(view.open?.candidates).toEqual(open.nodeIds.map((id) => full.loom.nodes[id]));

    // A clarification in the journal (not yet compacted): read whole, same answer shape.
    const w = await openSession(dir, { compactAfterBytes: false });
    w.mutate((l) =>
      resolveDecision(
        l,
        open.decisionId,
        {
          action: "clarify",
          chosenBy: "human",
          question: "which?",
          candidatesInTension: open.nodeIds,
          whatHingesOnIt: "tone",
        },
        env,
      ),
    );
    (w as unknown as { lock: { release(): void } }).lock.release();
    const later = await readCurrentPath(dir);
    expect(later.read).toBe("full");
    expect(later.open?.decision.action).toBe("clarify");
    expect(later.text).toBe(view.text);
  });
});
