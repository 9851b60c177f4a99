// Tree work through the `loom` binary: search, split, undo/redo, prune, move, bookmarks, tags, checkout and edit on a session on disk.
import { join } from "node:path";
import { addCandidates, choose, createLoom, currentText, sequentialEnv } from "@loom/core";
import { createSession, readSession } from "@loom/io";
import { beforeAll, describe, expect, it } from "vitest";
import { ensureBuilt, loom, scratch } from "./helpers.js";

let dir: string;
let session: string;

/** Four steps of three candidates, the first chosen each time: "The lamp" + " burned low" + " in the hall" + … */
async function writeSession(): Promise<void> {
  const env = sequentialEnv();
  const l = createLoom({ seed: "The lamp" }, env);
  const steps = [
    [" burned low", " went out", " flickered"],
    [" in the hall", " by the door", " under glass"],
    [" and a lantern", " and nothing", " while rain fell"],
    [" swung twice.", " kept still.", " said no more."],
  ];
  for (const texts of steps) {
    const added = addCandidates(
      l,
      l.currentPath.at(-1)!,
      texts.map((text) => ({ text, tokens: [{ text, logprob: -1 }] })),
      {
        env,
      },
    );
    choose(l, added.decisionId, added.nodeIds[0]!, "human", "fits", env);
  }
  await (await createSession(session, l)).close();
}

const text = async () => currentText((await readSession(session)).loom);
const run = async (args: string[]) => loom([...args, session], { dir });

beforeAll(async () => {
  ensureBuilt();
  dir = scratch();
  session = join(dir, "lamp");
  await writeSession();
});

describe("tree work from the CLI", () => {
  it("search finds text with its path; pruned branches are hidden until --all or --restore", async () => {
    const hit = await run(["search", "LANTERN", "--json"]);
    expect(hit.code, hit.stderr).toBe(0);
    const found = JSON.parse(hit.stdout) as { hits: { nodeId: string; depth: number; snippet: string }[] };
    expect(found.hits).toHaveLength(1);
    expect(found.hits[0]!.depth).toBe(3);
    expect(found.hits[0]!.snippet).toContain("lantern");
    const rejected = await run(["search", "under glass"]);
    expect(rejected.stdout).toContain("under glass");
    expect(rejected.stdout).toMatch(/^○ /); // not on the current path

    const branch = (await readSession(session)).loom.currentPath[2]!;
    const pruned = await run(["prune", branch]);
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(pruned.stdout).toContain(`pruned the subtree under ${branch}`);
    expect(await text()).toBe("The lamp burned low");
    expect((await run(["search", "lantern"])).stdout).toContain('no node holds "lantern"');
    expect((await run(["search", "lantern", "--all"])).stdout).toContain("lantern");
    expect((await run(["prune", branch, "--restore"])).code).toBe(0);
    expect((await run(["search", "lantern"])).stdout).toContain("lantern");
    expect((await run(["checkout", found.hits[0]!.nodeId])).code).toBe(0);
    expect(await text()).toBe("The lamp burned low in the hall and a lantern");
  });

  it("split keeps the text, undo takes it back, redo puts it again; a bad offset is a usage error", async () => {
    const before = (await readSession(session)).loom;
    const split = await run(["split", "-1", "4", "--json"]);
    expect(split.code, split.stderr).toBe(0);
    const after = (await readSession(session)).loom;
    expect(Object.keys(after.nodes)).toHaveLength(Object.keys(before.nodes).length + 1);
    expect(currentText(after)).toBe(currentText(before));
    expect(after.nodes[after.currentPath.at(-2)!]!.text).toBe(" and");

    const undone = await run(["undo"]);
    expect(undone.code, undone.stderr).toBe(0);
    expect(undone.stdout).toContain("undid splitNode");
    expect(Object.keys((await readSession(session)).loom.nodes)).toHaveLength(Object.keys(before.nodes).length);
    expect((await run(["redo"])).stdout).toContain("redid splitNode");
    expect((await readSession(session)).loom.currentPath).toHaveLength(after.currentPath.length);
    expect((await run(["undo"])).code).toBe(0);

    const bad = await run(["split", "-1", "four"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('<offset>: "four" is not a whole number');
    const outside = await run(["split", "-1", "400"]);
    expect(outside.code).not.toBe(0);
    expect(outside.stderr).toMatch(/split offset 400 is outside node "n_\w+"/);
  });

  it("move refuses a cycle and names it; bookmarks and tags list with their text; edit and undo", async () => {
    const l = (await readSession(session)).loom;
    const [, first, second] = l.currentPath as [string, string, string];
    const cycle = await run(["move", first, second]);
    expect(cycle.code).not.toBe(0);
    expect(cycle.stderr).toContain("cycle");
    expect(cycle.stderr).toContain(first);

    expect((await run(["bookmark", "-1"])).code).toBe(0);
    expect((await run(["tag", "1", "opening"])).code).toBe(0);
    const marks = JSON.parse((await run(["marks", "--json"])).stdout) as {
      marks: { nodeId: string; bookmarked: boolean; tags: string[]; text: string }[];
    };
    expect(marks.marks).toEqual([
      { nodeId: l.currentPath.at(-1), bookmarked: true, tags: [], text: " and a lantern" },
      { nodeId: first, bookmarked: false, tags: ["opening"], text: " burned low" },
    ]);
    expect((await run(["search", "opening"])).stdout).toContain("tag");

    const edited = await run(["edit", "-1", " and a candle"]);
    expect(edited.code, edited.stderr).toBe(0);
    expect(await text()).toBe("The lamp burned low in the hall and a candle");
    expect((await run(["undo"])).code).toBe(0);
    expect(await text()).toBe("The lamp burned low in the hall and a lantern");
  });

  it("exports hide a pruned branch; JSON keeps it marked so an import keeps it hidden; --purge drops it", async () => {
    const l = (await readSession(session)).loom;
    const step2 = l.decisions[l.nodes[l.currentPath[2]!]!.decisionId!]!;
    const glass = step2.candidateNodeIds.find((id) => l.nodes[id]!.text === " under glass")!;
    expect((await run(["prune", glass])).code).toBe(0);

    const md = await run(["export", "--branches"]);
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout).toContain("by the door");
    expect(md.stdout).not.toContain("under glass");
    const dot = await run(["export", "-f", "dot"]);
    expect(dot.stdout).toContain(
      `"${step2.candidateNodeIds.find((id) => id !== glass && !l.currentPath.includes(id))}"`,
    );
    expect(dot.stdout).not.toContain(glass);

    const out = join(dir, "kept.json");
    expect((await run(["export", "-o", out])).code).toBe(0);
    const copy = join(dir, "kept-copy");
    const imported = await loom(["import", out, "--dir", copy], { dir });
    expect(imported.code, imported.stderr).toBe(0);
    expect((await loom(["search", "glass", copy], { dir })).stdout).toContain('no node holds "glass"');
    expect((await loom(["search", "glass", copy, "--all"], { dir })).stdout).toContain("under glass");
    expect((await loom(["prune", glass, copy, "--restore"], { dir })).code).toBe(0);
    expect((await loom(["search", "glass", copy], { dir })).stdout).toContain("under glass");

    const purged = await run(["export", "-f", "json", "--purge"]);
    expect(purged.code, purged.stderr).toBe(0);
    const doc = JSON.parse(purged.stdout) as {
      text: string;
      loom: { nodes: Record<string, unknown>; pruned: string[] };
    };
    expect(doc.loom.nodes[glass]).toBeUndefined();
    expect(doc.loom.pruned).toEqual([]);
    expect(Object.keys(doc.loom.nodes)).toHaveLength(Object.keys(l.nodes).length - 1);
    expect(doc.text).toBe(currentText(l));
    expect((await readSession(session)).loom.nodes[glass]).toBeDefined(); // the session itself keeps it
  });
});
