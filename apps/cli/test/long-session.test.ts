// A long piece stays readable: `loom tree` on a 12,500-step path (25,001 realistic nodes) shows a window that fits the terminal, and --json does not overflow.
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { BIN, baseEnv, ensureBuilt, loom, scratch } from "./helpers.js";
import { writeRealisticSession } from "@loom/testkit";

// Issue 9 item 8: tree threw "Invalid string length" on a 12,500-deep path; issue 16 item 11: 85 MB of 10,000-character lines.
const STEPS = 12_500;
let dir: string;
let session: string;

beforeAll(async () => {
  ensureBuilt();
  dir = scratch();
  session = join(dir, "long");
  await writeRealisticSession(session, { decisions: STEPS, branching: 2 });
}, 120_000);

const width = (text: string) => Math.max(...text.split("\n").map((l) => [...l].length));

describe("plain JSON for other tools", () => {
  it("export -f json of a long session (whose snapshot the store may compress) is plain JSON that Python reads", () => {
    const r = spawnSync(
      "bash",
      [
        "-c",
        `${process.execPath} ${BIN} export '${session}' -f json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["loom"]["nodes"]))'`,
      ],
      {
        encoding: "utf8",
        env: baseEnv(dir),
      },
    );
    expect(r.stderr).toBe("");
    expect(Number(r.stdout.trim())).toBe(2 * STEPS + 1);
  }, 120_000);
});

describe("loom tree on a long piece", () => {
  it("draws a window around the tip whose lines fit the width", async () => {
    const r = await loom(["tree", session], { dir, env: { COLUMNS: "100" } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`… ${STEPS - 10} earlier steps of the current path above`);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines.length).toBeLessThan(30);
    expect(width(r.stdout)).toBeLessThanOrEqual(100);
    expect(lines.at(-1)).toContain("▶");
    const narrow = await loom(["tree", session, "--around", "3"], { dir, env: { COLUMNS: "60" } });
    expect(width(narrow.stdout)).toBeLessThanOrEqual(60);
  }, 60_000);

  it("--all draws every node, still within the width; --json --all is flat and parses", async () => {
    const all = await loom(["tree", session, "--all"], { dir, env: { COLUMNS: "80" }, timeoutMs: 120_000 });
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout.trimEnd().split("\n")).toHaveLength(2 * STEPS + 1);
    expect(width(all.stdout)).toBeLessThanOrEqual(80);
    const j = await loom(["tree", session, "--all", "--json"], { dir, timeoutMs: 120_000 });
    expect(j.code, j.stderr).toBe(0);
    const parsed = JSON.parse(j.stdout) as { nodes: { depth: number; onCurrentPath: boolean }[]; pathLength: number };
    expect(parsed.nodes).toHaveLength(2 * STEPS + 1);
    expect(parsed.pathLength).toBe(STEPS + 1);
    expect(Math.max(...parsed.nodes.map((n) => n.depth))).toBe(STEPS);
  }, 240_000);

  it("--subtree draws the tree under a node, --depth limits it", async () => {
    const j = JSON.parse(
      (await loom(["tree", session, "--subtree", "-4", "--depth", "2", "--json"], { dir })).stdout,
    ) as {
      nodes: { depth: number; hiddenDescendants: number }[];
    };
    expect(j.nodes[0]!.depth).toBe(STEPS - 3);
    expect(Math.max(...j.nodes.map((n) => n.depth))).toBe(STEPS - 1);
    expect(j.nodes.some((n) => n.hiddenDescendants > 0)).toBe(true);
  }, 60_000);
});
