// The round trip new → run → show → tree → export → import on the local engine, and import of the Python reference's session.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { exportDot, exportMarkdown, readSession } from "@loom/io";
import { beforeAll, describe, expect, it } from "vitest";
import { MODEL, REPO, ensureBuilt, loom, scratch } from "./helpers.js";

const PY_FIXTURE = join(REPO, "packages/io/src/__fixtures__/python-session");

let dir: string;
let session: string;
let text: string;

beforeAll(async () => {
  ensureBuilt();
  dir = scratch();
  session = join(dir, "story");
  const created = await loom(
    ["new", "--seed", "The little dog", "--dir", session, "--branching", "4", "--sample-seed", "3"],
    { dir, env: { LOOM_MODEL: MODEL } },
  );
  expect(created.code, created.stderr).toBe(0);
  const ran = await loom(["run", session, "--selector", "auto", "--max-steps", "5"], {
    dir,
    env: { LOOM_MODEL: MODEL },
  });
  expect(ran.code, ran.stderr).toBe(0);
  text = ran.stdout.replace(/\n$/, "");
  const shown = await loom(["show", session], { dir });
  expect(shown.stdout.replace(/\n$/, "")).toBe(text);
  const tree = await loom(["tree", session], { dir });
  expect(tree.code).toBe(0);
});

describe("export", () => {
  it("md: the title and the current text; --branches adds the others", async () => {
    const md = await loom(["export", session], { dir });
    expect(md.code).toBe(0);
    expect(md.stdout).toContain("# Loom session");
    expect(md.stdout).toContain(text);
    const all = await loom(["export", session, "--branches"], { dir });
    expect(all.stdout).toContain("## Branches");
    // 5 decisions × 4 candidates: 15 rejected leaves besides the tip.
    expect(all.stdout.split("\n").filter((l) => l.startsWith("### Branch "))).toHaveLength(15);
  });

  it("dot: a digraph with every node and the current path highlighted", async () => {
    const dot = await loom(["export", session, "--format", "dot"], { dir });
    expect(dot.stdout.startsWith("digraph")).toBe(true);
    expect(dot.stdout.match(/^ {2}"n_[^"]+" \[/gm)).toHaveLength(21);
    // The same DOT as the server's: the current path's 6 nodes filled and its 5 edges drawn heavier.
    expect(dot.stdout.match(/fillcolor="#ffe9a8"/g)).toHaveLength(6);
    expect(dot.stdout.match(/penwidth=2\.5\]/g)).toHaveLength(5);
  });

  it("dot and md are the documents the server sends for the same session (one implementation, in @loom/io)", async () => {
    const saved = (await readSession(session)).loom;
    expect((await loom(["export", session, "-f", "dot"], { dir })).stdout).toBe(exportDot(saved));
    expect((await loom(["export", session, "--branches", "--decisions"], { dir })).stdout).toBe(
      exportMarkdown(saved, { branches: true, decisions: true }),
    );
  });

  it("json --out writes a file and reports it", async () => {
    const file = join(dir, "story.json");
    const r = await loom(["export", session, "-f", "json", "-o", file, "--full-text", "--json"], { dir });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ file, format: "json" });
    const doc = JSON.parse(readFileSync(file, "utf8")) as {
      text: string;
      fullText: Record<string, string>;
      loom: { currentPath: string[] };
    };
    expect(doc.text).toBe(text);
    expect(doc.fullText[doc.loom.currentPath.at(-1)!]).toBe(text);
  });
});

describe("import", () => {
  it("a JSON export comes back as an identical session", async () => {
    const dest = join(dir, "copy");
    const r = await loom(["import", join(dir, "story.json"), "--dir", dest, "--json"], { dir });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ format: "loom-export", text, nodes: 21, decisions: 5 });
    const [a, b] = [(await readSession(session)).loom, (await readSession(dest)).loom];
    expect(b).toEqual(a);
    const shown = await loom(["show", dest], { dir });
    expect(shown.stdout.replace(/\n$/, "")).toBe(text);
  });

  it("a Loom session directory", async () => {
    const dest = join(dir, "copy-dir");
    const r = await loom(["import", session, "--dir", dest, "--json"], { dir });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ format: "loom", text });
  });

  it("the Python reference's session reproduces its current path text exactly", async () => {
    const py = JSON.parse(readFileSync(join(PY_FIXTURE, "loom.json"), "utf8")) as {
      session_id: string;
      current_path: string[];
      nodes: Record<string, { full_text: string }>;
      decision_events: Record<string, unknown>;
    };
    const expected = py.nodes[py.current_path.at(-1)!]!.full_text;
    // Default destination: named after the imported session id under the sessions root.
    const r = await loom(["import", PY_FIXTURE, "--json"], { dir });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      session: string;
      format: string;
      text: string;
      nodes: number;
      decisions: number;
    };
    expect(out.format).toBe("python-reference");
    expect(out.session).toBe(join(dir, "sessions", py.session_id));
    expect(out.text).toBe(expected);
    expect(out.nodes).toBe(Object.keys(py.nodes).length);
    expect(out.decisions).toBe(Object.keys(py.decision_events).length);
    const shown = await loom(["show", out.session, "--json"], { dir });
    expect((JSON.parse(shown.stdout) as { text: string }).text).toBe(expected);
    for (const cmd of ["tree", "decisions", "divergences", "clarifications", "stats"]) {
      const r2 = await loom([cmd, out.session, "--json"], { dir });
      expect(r2.code, `${cmd}: ${r2.stderr}`).toBe(0);
      expect(() => JSON.parse(r2.stdout)).not.toThrow();
    }
    const again = await loom(["import", PY_FIXTURE], { dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("a session already exists");
    expect(again.stderr).toContain("--dir");
  });

  it("bad inputs exit 1 and name the file", async () => {
    const missing = await loom(["import", join(dir, "nope")], { dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(join(dir, "nope"));
    const notJson = join(dir, "notes.txt");
    writeFileSync(notJson, "hello");
    const r = await loom(["import", notJson], { dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(notJson);
    const wrong = join(dir, "wrong.json");
    writeFileSync(wrong, JSON.stringify({ format: "loom-export", version: 2, loom: { version: 1, sessionId: "s" } }));
    const w = await loom(["import", wrong], { dir });
    expect(w.code).toBe(1);
    expect(w.stderr).toContain(wrong);
    expect(w.stderr).toContain("field loom.");
    const emptyDir = scratch("loom-empty-");
    const e = await loom(["import", emptyDir], { dir });
    expect(e.code).toBe(1);
    expect(e.stderr).toContain(join(emptyDir, "loom.json"));
  });
});
