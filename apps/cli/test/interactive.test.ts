// The keyboard loop in a real terminal: tmux runs `loom run`, keys choose, reroll, write, go back, show rejected, stop.
import { join } from "node:path";
import { readSession } from "@loom/io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MODEL, ensureBuilt, loom, scratch, newSessionArgs } from "./helpers.js";
import { Tmux, atStep, candidateRows } from "./tmux.js";

const tmux = new Tmux();

let dir: string;
let session: string;

beforeAll(async () => {
  ensureBuilt();
  dir = scratch();
  session = join(dir, "story");
  const created = await loom(newSessionArgs(session), { dir, env: { LOOM_MODEL: MODEL } });
  expect(created.code, created.stderr).toBe(0);
});

afterAll(() => tmux.kill());

describe("loom run at the keyboard (tmux)", () => {
  it("chooses three candidates, rerolls, writes, goes back, shows rejected, stops; the session holds it all", async () => {
    const w = tmux.start(`loom run ${session}`, { LOOM_MODEL: MODEL }, dir);

    let s = await tmux.waitFor(w, atStep(1), "the first step");
    expect(s).toContain("Once upon a time");
    expect(candidateRows(s)).toBe(3);
    expect(s).toContain("model's favourite");
    expect(s).toMatch(/-\d+\.\d\d/);

    // Three choices: the first, second and third candidate.
    const chosen: string[] = [];
    for (const [i, key] of ["1", "2", "3"].entries()) {
      const row = s.split("\n").find((l) => l.startsWith(` ${key}  `))!;
      chosen.push(/“(.*)”/.exec(row)![1]!);
      tmux.keys(w, key);
      s = await tmux.waitFor(w, atStep(i + 2), `step ${i + 2}`);
    }

    // Reroll: more candidates for the same decision.
    tmux.keys(w, "r");
    s = await tmux.waitFor(w, (x) => atStep(4)(x) && candidateRows(x) === 6, "six candidates after the reroll");

    // Write our own continuation.
    tmux.keys(w, "w");
    await tmux.waitFor(w, (x) => x.includes("your continuation"), "the write prompt");
    tmux.type(w, " and a dragon");
    tmux.keys(w, "Enter");
    s = await tmux.waitFor(w, atStep(5), "step 5 after writing");
    expect(s).toContain("and a dragon");

    // Back: what was offered at the parent (our text among it), nothing generated; r asks for a new batch there.
    tmux.keys(w, "b");
    s = await tmux.waitFor(w, (x) => x.includes("back at step 4") && x.includes("and a dragon"), "the back screen");
    tmux.keys(w, "r");
    s = await tmux.waitFor(w, (x) => atStep(4)(x) && !x.includes("and a dragon"), "step 4 after going back");

    // What was rejected here: the six rerolled candidates and nothing of ours.
    tmux.keys(w, "?");
    s = await tmux.waitFor(w, (x) => x.includes("rejected here (6)"), "the rejected list");

    tmux.keys(w, "s");
    const end = await tmux.exit(w);
    s = end.screen;
    expect(end.code).toBe(0);
    expect(s).toMatch(/stopped at step 4 .*after 5 decisions this run/);

    const { loom: saved } = await readSession(session);
    const texts = saved.currentPath.map((id) => saved.nodes[id]!.text);
    expect(saved.currentPath).toHaveLength(4);
    // The screen shows segments JSON-escaped; compare the same way.
    expect(texts.slice(1).map((t) => JSON.stringify(t).slice(1, -1))).toEqual(chosen);
    const decisions = Object.values(saved.decisions);
    const human = decisions.filter((d) => d.action === "choose" && d.chosenBy === "human");
    expect(human).toHaveLength(4); // three choices and the written continuation
    const rerolled = decisions.find((d) => d.candidateNodeIds.length === 7)!; // 3 + 3 rerolled + the written one
    expect(saved.nodes[rerolled.chosenNodeId!]!.text).toBe(" and a dragon");
    expect(saved.nodes[rerolled.chosenNodeId!]!.origin).toBe("human");
    const stop = decisions.find((d) => d.action === "stop")!;
    expect(stop.parentNodeId).toBe(saved.currentPath[3]);
    expect(s).toContain(texts.join(""));
  });
});
