// `loom import` of other loom tools' files (detected and named, or --format), refusals that write nothing, and `loom export` back to PyLoom and Loomsidian.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO, ensureBuilt, loom, scratch } from "./helpers.js";

const FIXTURES = join(REPO, "packages/io/src/__fixtures__/foreign");
const fixture = (name: string) => join(FIXTURES, name);

let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = scratch("loom-other-looms-");
});

describe("loom import: other looms", () => {
  it("detects each tool's file and says which it found", async () => {
    for (const [name, format, tool] of [
      ["pyloom-lighthouse.json", "pyloom", "PyLoom (socketteer/loom)"],
      ["miniloom-harbor.json", "miniloom", "MiniLoom / MiniHF"],
      ["tapestry-harbor.json", "tapestry", "Tapestry Loom"],
      ["tapestry-harbor.tapestry", "tapestry-binary", "Tapestry Loom (binary weave, format 2)"],
      ["tapestry-v1-harbor.tapestry", "tapestry-binary-v1", "Tapestry Loom (binary weave, format 1)"],
      ["tapestry-v1-harbor.weave.json", "tapestry", "Tapestry Loom"],
      ["exoloom-export.json", "exoloom", "Exoloom"],
    ] as const) {
      const dest = join(dir, `detect-${name}`);
      const r = await loom(["import", fixture(name), "--dir", dest], { dir });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`format: ${format} — ${tool} (detected)`);
      const shown = await loom(["show", dest, "--json"], { dir });
      expect(shown.code, shown.stderr).toBe(0);
    }
  });

  it("a PyLoom tree: nodes, text and warnings, as JSON", async () => {
    const dest = join(dir, "keeper");
    const r = await loom(["import", fixture("pyloom-lighthouse.json"), "--dir", dest, "--json"], { dir });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { format: string; nodes: number; text: string; warnings: string[] };
    expect(out).toMatchObject({ format: "pyloom", nodes: 9 });
    expect(out.text.startsWith("The lighthouse keeper counted ships that never came.")).toBe(true);
    expect(out.warnings.join("\n")).toContain("meta.import.pyloom");
    expect(r.stderr).toContain("generated node(s) were edited after generation");
    const tokens = await loom(["tokens", dest, "--json"], { dir });
    expect(tokens.code, tokens.stderr).toBe(0);
  });

  it("a Loomsidian vault: one session per note, or the one named with --note", async () => {
    const all = join(dir, "vault");
    const r = await loom(["import", fixture("loomsidian-vault.json"), "--dir", all, "--json"], { dir });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      format: string;
      sessions: { session: string; note: string; nodes: number }[];
    };
    expect(out.format).toBe("loomsidian");
    expect(out.sessions.map((s) => [s.note, s.session, s.nodes])).toEqual([
      ["Stories/Lighthouse.md", join(all, "Stories-Lighthouse"), 5],
      ["Drafts/Two roots.md", join(all, "Drafts-Two-roots"), 4],
    ]);
    const one = join(dir, "one-note");
    const n = await loom(["import", fixture("loomsidian-vault.json"), "--note", "Drafts/Two roots.md", "--dir", one], {
      dir,
    });
    expect(n.code, n.stderr).toBe(0);
    expect(existsSync(join(one, "loom.json"))).toBe(true);
    expect(readFileSync(join(one, "loom.json"), "utf8")).not.toContain("sk-fixture-not-a-real-key");
  });

  it("an unknown file is refused with every format and what was checked, and nothing is written", async () => {
    const odd = join(dir, "odd.json");
    writeFileSync(odd, JSON.stringify({ hello: "world" }));
    const dest = join(dir, "odd-dest");
    const r = await loom(["import", odd, "--dir", dest], { dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(odd);
    for (const f of ["loom-export", "pyloom", "loomsidian", "miniloom", "tapestry", "exoloom"])
      expect(r.stderr).toContain(f);
    expect(r.stderr).toContain("loomTree");
    expect(r.stderr).toContain("--format");
    expect(existsSync(dest)).toBe(false);
  });

  it("--format overrides detection, and a file that is not that format is refused naming the field", async () => {
    const dest = join(dir, "forced");
    const r = await loom(["import", fixture("pyloom-lighthouse.json"), "--format", "miniloom", "--dir", dest], { dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("pyloom-lighthouse.json");
    expect(r.stderr).toContain("field loomTree");
    expect(existsSync(dest)).toBe(false);
  });

  it("a damaged file is refused naming file and field, and no session is written", async () => {
    const damaged = join(dir, "damaged-miniloom.json");
    const doc = JSON.parse(readFileSync(fixture("miniloom-harbor.json"), "utf8"));
    doc.loomTree.nodeStore["3"].patch[0].diffs[0][0] = 7;
    writeFileSync(damaged, JSON.stringify(doc));
    const dest = join(dir, "damaged-dest");
    const r = await loom(["import", damaged, "--dir", dest], { dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(damaged);
    expect(r.stderr).toContain('field loomTree.nodeStore["3"].patch[0].diffs[0][0]');
    expect(existsSync(dest)).toBe(false);
  });
});

describe("loom import: Tapestry Loom's binary .tapestry", () => {
  it("reads the binary weave into the same tree as its JSON form, and refuses a truncated one writing nothing", async () => {
    const bin = join(dir, "tapestry-bin");
    const r = await loom(["import", fixture("tapestry-harbor.tapestry"), "--dir", bin, "--json"], { dir });
    expect(r.code, r.stderr).toBe(0);
    const fromBin = JSON.parse(r.stdout) as { format: string; nodes: number; text: string };
    const j = await loom(["import", fixture("tapestry-harbor.json"), "--dir", join(dir, "tapestry-json"), "--json"], {
      dir,
    });
    const fromJson = JSON.parse(j.stdout) as { format: string; nodes: number; text: string };
    expect(fromBin).toMatchObject({ format: "tapestry-binary", nodes: fromJson.nodes, text: fromJson.text });
    expect(r.stderr).toContain("keep their tokens with logprobs and counterfactuals");
    const tokens = await loom(["tokens", bin, "--json"], { dir });
    expect(tokens.code, tokens.stderr).toBe(0);

    const cut = join(dir, "cut.tapestry");
    const bytes = readFileSync(fixture("tapestry-harbor.tapestry"));
    writeFileSync(cut, bytes.subarray(0, bytes.length - 40));
    const dest = join(dir, "cut-dest");
    const bad = await loom(["import", cut, "--dir", dest], { dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(cut);
    expect(bad.stderr).toMatch(/field weave[^ ]* \(byte \d+\)/);
    expect(existsSync(dest)).toBe(false);

    const forced = await loom(["import", fixture("tapestry-harbor.json"), "--format", "tapestry-binary"], { dir });
    expect(forced.code).toBe(1);
    expect(forced.stderr).toContain("does not start with VersionedTapestryWeave__");
  });
});

describe("loom import: the .tapestry file Tapestry Loom saves today (format version 1)", () => {
  it("names the version it found, reads the same tree as the versioned JSON, and refuses damage writing nothing", async () => {
    const bin = join(dir, "tapestry-v1-bin");
    const r = await loom(["import", fixture("tapestry-v1-harbor.tapestry"), "--dir", bin, "--json"], { dir });
    expect(r.code, r.stderr).toBe(0);
    const fromBin = JSON.parse(r.stdout) as { format: string; nodes: number; text: string };
    const j = await loom(
      ["import", fixture("tapestry-v1-harbor.weave.json"), "--dir", join(dir, "v1-json"), "--json"],
      {
        dir,
      },
    );
    expect(j.code, j.stderr).toBe(0);
    const fromJson = JSON.parse(j.stdout) as { format: string; nodes: number; text: string };
    expect(fromJson.format).toBe("tapestry");
    expect(fromBin).toMatchObject({ format: "tapestry-binary-v1", nodes: 10, text: fromJson.text });
    expect(fromBin.text).toContain("and the bell rang.");

    const bytes = readFileSync(fixture("tapestry-v1-harbor.tapestry"));
    for (const [name, damaged, field] of [
      [
        "v7.tapestry",
        Buffer.concat([bytes.subarray(0, 24), Buffer.from([7, 0, 0, 0, 0, 0, 0, 0]), bytes.subarray(32)]),
        "field (header) format version",
      ],
      ["half.tapestry", bytes.subarray(0, bytes.length >> 1), "(byte "],
    ] as const) {
      const file = join(dir, name);
      writeFileSync(file, damaged);
      const dest = join(dir, `${name}-dest`);
      const bad = await loom(["import", file, "--dir", dest], { dir });
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain(file);
      expect(bad.stderr).toContain(field);
      expect(existsSync(dest)).toBe(false);
    }
  });
});

describe("loom export: back to PyLoom and Loomsidian", () => {
  it("PyLoom → Loom → PyLoom keeps the tree, its texts and the selected node", async () => {
    const session = join(dir, "py-roundtrip");
    expect((await loom(["import", fixture("pyloom-lighthouse.json"), "--dir", session], { dir })).code).toBe(0);
    const back = join(dir, "keeper-back.json");
    const r = await loom(["export", session, "-f", "pyloom", "-o", back], { dir });
    expect(r.code, r.stderr).toBe(0);
    const a = JSON.parse(readFileSync(fixture("pyloom-lighthouse.json"), "utf8"));
    const b = JSON.parse(readFileSync(back, "utf8"));
    expect(b.selected_node_id).toBe(a.selected_node_id);
    const texts = (n: { text: string; children?: unknown[] }): unknown => [
      n.text,
      (n.children ?? []).map((c) => texts(c as never)),
    ];
    expect(texts(b.root)).toEqual(texts(a.root));
  });

  it("Loomsidian export merges the note into an existing data.json, keeping its settings and other notes", async () => {
    const session = join(dir, "ls-roundtrip");
    const imp = await loom(
      ["import", fixture("loomsidian-vault.json"), "--note", "Stories/Lighthouse.md", "--dir", session],
      { dir },
    );
    expect(imp.code, imp.stderr).toBe(0);
    const vault = join(dir, "data.json");
    const original = JSON.parse(readFileSync(fixture("loomsidian-vault.json"), "utf8"));
    writeFileSync(
      vault,
      JSON.stringify({ settings: original.settings, state: { "Other.md": original.state["Drafts/Two roots.md"] } }),
    );
    const r = await loom(["export", session, "-f", "loomsidian", "-o", vault], { dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("merged");
    const data = JSON.parse(readFileSync(vault, "utf8"));
    expect(data.settings).toEqual(original.settings);
    expect(Object.keys(data.state)).toEqual(["Other.md", "Stories/Lighthouse.md"]);
    expect(data.state["Stories/Lighthouse.md"]).toEqual(original.state["Stories/Lighthouse.md"]);
    // a file there that is not a data.json is not overwritten
    const notes = join(dir, "notes.json");
    writeFileSync(notes, "[1, 2, 3]");
    const refused = await loom(["export", session, "-f", "loomsidian", "-o", notes], { dir });
    expect(refused.code).not.toBe(0);
    expect(readFileSync(notes, "utf8")).toBe("[1, 2, 3]");
  });
});
