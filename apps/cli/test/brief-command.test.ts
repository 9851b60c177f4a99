// `loom brief`: show the brief, change it by field, from a file and in $EDITOR; each change a version the next decisions record.
import { existsSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { decisionsInOrder } from "@loom/core";
import { readSession } from "@loom/io";
import { beforeAll, describe, expect, it } from "vitest";
import { MODEL, REPO, ensureBuilt, loom, scratch } from "./helpers.js";

const WORLDSPIDER = resolve(REPO, "../shared/fixtures/briefs/worldspider.toml");

let dir: string;
let session: string;
const env = () => ({ LOOM_MODEL: MODEL });
beforeAll(async () => {
  ensureBuilt();
  dir = scratch();
  session = join(dir, "spider");
});

describe.skipIf(!existsSync(WORLDSPIDER) || !existsSync(MODEL))("loom brief", () => {
  it("shows the brief as TOML with its version", async () => {
    const made = await loom(["new", "--seed", "Once upon a time", "--dir", session, "--brief", WORLDSPIDER], {
      dir,
      env: env(),
    });
    expect(made.code, made.stderr).toBe(0);
    const shown = await loom(["brief", session], { dir });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/^# brief version 1\n/);
    expect(shown.stdout).toContain('voice = "Compressed, liturgical"');
    expect(shown.stdout).toContain('section_intent = "Describe the experience of token generation from the inside."');
  });

  it("set, load and edit each journal a new version; a bad field or file changes nothing", async () => {
    const set = await loom(["brief", session, "set", "section_intent", "The hand lets go.", "--json"], { dir });
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ briefVersion: 2, changed: ["sectionIntent"] });

    const list = await loom(["brief", session, "set", "avoid", '["Neat resolution", "Explaining the hand"]'], { dir });
    expect(list.stdout).toContain("brief version 3 saved (changed: avoid)");
    const same = await loom(["brief", session, "set", "avoid", '["Neat resolution", "Explaining the hand"]'], { dir });
    expect(same.stdout).toContain("no change: the brief stays at version 3");

    const bad = await loom(["brief", session, "set", "mood", "dark"], { dir });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('no brief field "mood"');
    expect(bad.stderr).toContain("lean_into");
    const badList = await loom(["brief", session, "set", "lean_into", '["unclosed'], { dir });
    expect(badList.code).not.toBe(0);
    expect(badList.stderr).toContain("JSON array of strings");

    // $EDITOR gets the brief as TOML; what it saves is the next version.
    const edited = await loom(["brief", session, "edit"], {
      dir,
      env: { EDITOR: "sed -i -e 's/Compressed, liturgical/Loose, spoken/'" },
    });
    expect(edited.code, edited.stderr).toBe(0);
    expect(edited.stdout).toContain("brief version 4 saved (changed: voice)");
    const broken = await loom(["brief", session, "edit"], { dir, env: { EDITOR: "sed -i -e 's/^voice =/voice ==/'" } });
    expect(broken.code).not.toBe(0);
    expect(broken.stderr).toContain("brief.toml");

    const md = join(dir, "brief.md");
    writeFileSync(md, "# Spider notes\n\nKeep the images small.\n");
    const loaded = await loom(["brief", session, "load", md, "--json"], { dir });
    expect(loaded.code, loaded.stderr).toBe(0);
    expect(JSON.parse(loaded.stdout).briefVersion).toBe(5);

    const { loom: saved } = await readSession(session);
    expect(saved.briefVersion).toBe(5);
    expect(saved.brief).toMatchObject({ title: "Spider notes", sectionIntent: "", avoid: [] });
    expect(saved.briefHistory.map((v) => v.version)).toEqual([1, 2, 3, 4]);
    expect(saved.briefHistory[3]!.brief.voice).toBe("Loose, spoken");
  });

  it("the next decisions record the version, and the generator's briefed prompt follows the change", async () => {
    expect((await loom(["brief", session, "set", "section_intent", "A spider counts its legs."], { dir })).code).toBe(
      0,
    );
    const ran = await loom(["run", session, "--selector", "auto", "--max-steps", "1"], { dir, env: env() });
    expect(ran.code, ran.stderr).toBe(0);
    const { loom: saved } = await readSession(session);
    const [decision] = decisionsInOrder(saved);
    expect(decision!.briefVersion).toBe(6);
    const prompt = saved.nodes[decision!.candidateNodeIds[0]!]!.meta["prompt"] as string;
    expect(prompt).toContain("A spider counts its legs.");
    expect(prompt).not.toContain("The attention was a hand");
  }, 60_000);
});
