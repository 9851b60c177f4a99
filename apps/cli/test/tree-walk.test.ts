// Walking the tree in keyboard mode (tmux, the built binary): parent, first child, siblings, next bookmark, next unread; Enter moves the tip; unread marks kept between runs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readSession } from "@loom/io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MODEL, ensureBuilt, loom, newSessionArgs, scratch } from "./helpers.js";
import { Tmux, atStep } from "./tmux.js";

const tmux = new Tmux();
const env = { LOOM_MODEL: MODEL };
let dir: string;

beforeAll(() => {
  ensureBuilt();
  dir = scratch();
});
afterAll(() => tmux.kill());

/** The walk screen, waiting at its prompt. */
const atWalk = (s: string) => s.includes("── tree · node ") && /^> *$/m.test(s);
/** The node the walk is on, from its header. */
const walkNode = (s: string) => /── tree · node (\S+) /.exec(s)?.[1];
const unreadRows = (s: string) => s.split("\n").filter((l) => l.includes("• unread")).length;

async function ok(args: string[]) {
  const r = await loom(args, { dir, env });
  expect(r.code, r.stderr).toBe(0);
  return r;
}

describe("the tree walk (m)", () => {
  it("moves to parent, first child, next and previous sibling and the next bookmark; Enter continues from there; what was shown is read next time", async () => {
    const session = join(dir, "walk");
    await ok(newSessionArgs(session));
    // Two steps chosen by the auto selector: their other candidates were never shown at the keyboard.
    await ok(["run", session, "--selector", "auto", "--max-steps", "2"]);
    let saved = (await readSession(session)).loom;
    const [root, first, second] = saved.currentPath as [string, string, string];
    const siblingsOf = (id: string) => saved.decisions[saved.nodes[id]!.decisionId!]!.candidateNodeIds;
    const firstAlt = siblingsOf(first).find((id) => id !== first)!;
    await ok(["bookmark", firstAlt, session]);

    const w = tmux.start(`loom run ${session}`, env, dir);
    await tmux.waitFor(w, atStep(3), "the keyboard step after the auto run");
    tmux.keys(w, "m");
    let s = await tmux.waitFor(w, atWalk, "the walk screen at the tip");
    expect(walkNode(s)).toBe(second);
    // The tip's siblings came from the auto run: never shown, so unread.
    expect(unreadRows(s)).toBe(2);
    expect(s).toMatch(/▶.*current path/);

    // One sibling over and back (down then k, or up then j when the tip is the last of them).
    const kids = siblingsOf(second);
    const i = kids.indexOf(second);
    const [away, back] = i + 1 < kids.length ? ["Down", "k"] : ["Up", "j"];
    const other = kids[i + 1 < kids.length ? i + 1 : i - 1]!;
    tmux.keys(w, away);
    await tmux.waitFor(w, (x) => atWalk(x) && walkNode(x) === other, "a sibling");
    tmux.keys(w, back);
    await tmux.waitFor(w, (x) => atWalk(x) && walkNode(x) === second, "back to the tip");
    tmux.keys(w, "Left");
    s = await tmux.waitFor(w, (x) => atWalk(x) && walkNode(x) === first, "the parent");
    tmux.keys(w, "h");
    s = await tmux.waitFor(w, (x) => atWalk(x) && walkNode(x) === root, "the seed");
    expect(s).toContain("the seed (no siblings)");
    tmux.keys(w, "h");
    s = await tmux.waitFor(w, (x) => atWalk(x) && x.includes("the seed has no parent"), "a notice at the seed");
    tmux.keys(w, "Right");
    await tmux.waitFor(w, (x) => atWalk(x) && walkNode(x) === siblingsOf(first)[0], "the first child");
    tmux.keys(w, "b");
    s = await tmux.waitFor(w, (x) => atWalk(x) && walkNode(x) === firstAlt, "the bookmark");
    expect(s).toMatch(/▶.*★ bookmark/);

    // Enter: the tip moves to the bookmarked alternative and the run goes on from it (no node is lost).
    tmux.keys(w, "Enter");
    await tmux.waitFor(w, atStep(2), "the step after the bookmarked alternative");
    tmux.keys(w, "q");
    expect((await tmux.exit(w)).code).toBe(0);
    saved = (await readSession(session)).loom;
    expect(saved.currentPath).toEqual([root, firstAlt]);

    // Two more auto steps: the first takes one of the candidates the keyboard showed, the second makes
    // candidates nobody was shown. A second keyboard run marks those unread, and n walks to them.
    await ok(["run", session, "--selector", "auto", "--max-steps", "2"]);
    saved = (await readSession(session)).loom;
    const tip = saved.currentPath.at(-1)!;
    const parent = saved.nodes[tip]!.parentId!;
    const fresh = siblingsOf(tip).filter((id) => id !== tip);
    const w2 = tmux.start(`loom run ${session}`, env, dir);
    await tmux.waitFor(w2, atStep(4), "the keyboard step");
    tmux.keys(w2, "m");
    s = await tmux.waitFor(w2, (x) => atWalk(x) && walkNode(x) === tip, "the walk at the tip");
    expect(unreadRows(s)).toBe(fresh.length);
    tmux.keys(w2, "Left");
    s = await tmux.waitFor(w2, (x) => atWalk(x) && walkNode(x) === parent, "the parent");
    // Its siblings were the candidates of the first run's last step, shown there: none is unread.
    expect(unreadRows(s)).toBe(0);
    tmux.keys(w2, "n");
    s = await tmux.waitFor(w2, (x) => atWalk(x) && fresh.includes(walkNode(x) ?? ""), "the next unread node");
    // Visited, it is read; the other one is next.
    tmux.keys(w2, "n");
    const second2 = walkNode(s) === fresh[0] ? fresh[1] : fresh[0];
    await tmux.waitFor(w2, (x) => atWalk(x) && walkNode(x) === second2, "the other unread node");
    tmux.keys(w2, "Escape");
    await tmux.waitFor(w2, atStep(4), "back at the step");
    tmux.keys(w2, "q");
    expect((await tmux.exit(w2)).code).toBe(0);
    const state = JSON.parse(readFileSync(join(session, "state", "keyboard-seen.json"), "utf8")) as { value: string[] };
    expect(state.value).toEqual(expect.arrayContaining(fresh));
  }, 180_000);
});
