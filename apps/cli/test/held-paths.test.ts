// Held paths through the `loom` binary: hold, paths, switch and back, release, and the errors a user can make.
import { join } from "node:path";
import { addCandidates, choose, createLoom, currentText, sequentialEnv } from "@loom/core";
import { createSession, readSession } from "@loom/io";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, loom, scratch } from "./helpers.js";

let dir: string;
let session: string;
/** The rejected candidate at step two: "The lamp burned low by the door". */
let door: string;

/** Three steps of two candidates, the first chosen: "The lamp burned low in the hall and a lantern". */
async function writeSession(): Promise<void> {
  const env = sequentialEnv();
  const l = createLoom({ seed: "The lamp" }, env);
  for (const texts of [
    [" burned low", " went out"],
    [" in the hall", " by the door"],
    [" and a lantern", " and nothing"],
  ]) {
    const added = addCandidates(
      l,
      l.currentPath.at(-1)!,
      texts.map((text) => ({ text })),
      { env },
    );
    if (texts[1] === " by the door") door = added.nodeIds[1]!;
    choose(l, added.decisionId, added.nodeIds[0]!, "human", "fits", env);
  }
  await (await createSession(session, l)).close();
}

const run = (args: string[]) => loom(args, { dir });
const text = async () => currentText((await readSession(session)).loom);

beforeAll(async () => {
  ensureBuilt();
  dir = scratch();
  session = join(dir, "lamp");
  await writeSession();
});

describe("held paths from the CLI", () => {
  it("hold keeps the current path, switch goes elsewhere holding the one left, and switch h1 comes back", async () => {
    const empty = await run(["paths", session]);
    expect(empty.code, empty.stderr).toBe(0);
    expect(empty.stdout).toContain("no held paths");

    const held = await run(["hold", session, "--node", door]);
    expect(held.code, held.stderr).toBe(0);
    expect(held.stdout).toContain("as h1");
    const listed = JSON.parse((await run(["paths", session, "--json"])).stdout) as {
      current: { tipId: string; depth: number };
      held: { heldId: string; tipId: string; depth: number; textEnd: string }[];
    };
    expect(listed.current.depth).toBe(3);
    expect(listed.held).toMatchObject([
      { heldId: "h1", tipId: door, depth: 2, textEnd: "The lamp burned low by the door" },
    ]);

    const switched = await run(["switch", "h1", session]);
    expect(switched.code, switched.stderr).toBe(0);
    expect(await text()).toBe("The lamp burned low by the door");
    // The path left is held now (as h1: the one switched to is no longer held).
    const after = JSON.parse((await run(["paths", session, "--json"])).stdout) as typeof listed;
    expect(after.held.map((h) => h.textEnd)).toEqual(["The lamp burned low in the hall and a lantern"]);
    expect((await run(["show", session])).stdout).toContain("by the door");

    expect((await run(["switch", "h1", session])).code).toBe(0);
    expect(await text()).toBe("The lamp burned low in the hall and a lantern");
    // Journaled: a fresh read (a new process) sees the swap back.
    expect((await readSession(session)).loom.heldPaths.map((p) => p.at(-1))).toEqual([door]);

    const released = await run(["hold", session, "--release", "h1"]);
    expect(released.code, released.stderr).toBe(0);
    expect((await readSession(session)).loom.heldPaths).toEqual([]);
  });

  it("names what is wrong: an unknown held id, the tip itself, an unknown node, both flags", async () => {
    const none = await run(["switch", "h3", session]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no held path "h3"');
    const tip = await run(["switch", "-1", session]);
    expect(tip.code).toBe(2);
    expect(tip.stderr).toContain("already the tip");
    const unknown = await run(["hold", session, "--node", "n_nosuch"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no node "n_nosuch"');
    const both = await run(["hold", session, "--node", "-1", "--release", "h1"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--node and --release");
    expect((await readSession(session)).loom.heldPaths).toEqual([]);
  });
});
