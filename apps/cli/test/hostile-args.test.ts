// Ordinary mistakes are not bugs: hostile argument lists end in one line naming the flag and the documented exit status; `| head` ends quietly.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, MODEL, baseEnv, ensureBuilt, loom, scratch } from "./helpers.js";
import { writeRealisticSession } from "@loom/testkit";

let dir: string;
let session: string;
let big: string;
let busy: Server;
let busyPort: number;

beforeAll(async () => {
  ensureBuilt();
  dir = scratch();
  session = join(dir, "s");
  writeFileSync(join(dir, "a-file"), "not a directory");
  const r = await loom(["new", "--seed", "Once", "--dir", session], { dir, env: { LOOM_MODEL: MODEL } });
  expect(r.code, r.stderr).toBe(0);
  big = join(dir, "big");
  // 400 steps of 4 realistic candidates: every command's output is larger than a pipe's buffer.
  await writeRealisticSession(big, { decisions: 400, branching: 4 });
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
  busyPort = (busy.address() as { port: number }).port;
}, 120_000);

afterAll(() => busy?.close());

interface Case {
  args: () => string[];
  code: number;
  /** What the one-line error must name (a flag, mostly). */
  names: string;
  detached?: boolean;
}

const CASES: Record<string, Case> = {
  "an existing file as --dir": {
    args: () => ["new", "--seed", "x", "--dir", join(dir, "a-file")],
    code: 2,
    names: "--dir",
  },
  "a port in use": {
    args: () => ["serve", "--port", String(busyPort), "--dir", join(dir, "served")],
    code: 1,
    names: "--port",
  },
  "--max-steps beyond the safe integers": {
    args: () => ["run", session, "--selector", "auto", "--max-steps", "99999999999999999999"],
    code: 2,
    names: "--max-steps",
  },
  "--max-tokens-total 1e30": {
    args: () => ["run", session, "--selector", "auto", "--max-tokens-total", "1e30"],
    code: 2,
    names: "--max-tokens-total",
  },
  "--sample-seed beyond the safe integers": {
    args: () => ["new", "--seed", "x", "--sample-seed", "123456789012345678901234"],
    code: 2,
    names: "--sample-seed",
  },
  "--max-steps 0": {
    args: () => ["run", session, "--selector", "auto", "--max-steps", "0"],
    code: 2,
    names: "--max-steps",
  },
  "--last as a fraction": { args: () => ["decisions", session, "--last", "2.5"], code: 2, names: "--last" },
  "--last in hexadecimal": { args: () => ["decisions", session, "--last", "0x10"], code: 2, names: "--last" },
  "--threshold NaN": { args: () => ["divergences", session, "--threshold", "NaN"], code: 2, names: "--threshold" },
  "--threshold Infinity": {
    args: () => ["divergences", session, "--threshold", "-Infinity"],
    code: 2,
    names: "--threshold",
  },
  "--port out of range": { args: () => ["serve", "--port", "70000"], code: 2, names: "--port" },
  "--temperature negative": {
    args: () => ["new", "--seed", "x", "--temperature", "-1"],
    code: 2,
    names: "--temperature",
  },
  "--from far off the path": {
    args: () => ["run", session, "--selector", "auto", "--from", "99999999999999999999"],
    code: 2,
    names: "--from",
  },
  "--around beyond the safe integers": {
    args: () => ["tree", session, "--around", "1e400"],
    code: 2,
    names: "--around",
  },
  "--subtree of no node": { args: () => ["tree", session, "--subtree", "n_nope"], code: 2, names: "--subtree" },
  "an empty --dir": { args: () => ["new", "--seed", "x", "--dir", ""], code: 2, names: "--dir" },
  "--format that does not exist": { args: () => ["export", session, "--format", "pdf"], code: 2, names: "--format" },
  "--seed and --seed-file together": {
    args: () => ["new", "--seed", "x", "--seed-file", join(dir, "a-file")],
    code: 2,
    names: "--seed-file",
  },
  "a flag before the command": { args: () => ["--max-steps", "3", "run"], code: 2, names: "--max-steps" },
  "a human run with no terminal, --json": {
    args: () => ["run", session, "--json"],
    code: 2,
    names: "--selector",
    detached: true,
  },
};

describe("hostile argument lists", () => {
  it.each(Object.entries(CASES))("%s", async (_name, c) => {
    const r = await loom(c.args(), { dir, env: { LOOM_MODEL: MODEL }, detached: c.detached ?? false });
    expect(r.code, r.stderr).toBe(c.code);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^error: /);
    expect(lines[0]).toContain(c.names);
    // One line, perhaps with a hint line; never a stack or the bug notice.
    expect(lines.length).toBeLessThanOrEqual(2);
    if (lines[1] !== undefined) expect(lines[1]).toMatch(/^hint: /);
    expect(r.stderr).not.toContain("This is a bug in loom");
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});

describe("output piped into head ends quietly with status 0", () => {
  const commands = [
    ["show"],
    ["tree", "--all"],
    ["tree", "--all", "--json"],
    ["decisions", "--last", "400"],
    ["decisions", "--last", "400", "--json"],
    ["rejected", "0"],
    ["divergences", "--threshold", "0"],
    ["stats", "--json"],
    ["export", "-f", "json"],
    ["export", "-f", "md", "--branches"],
    ["export", "-f", "dot"],
    ["--help"],
    ["export", "--help"],
  ];
  it.each(commands.map((c) => [c.join(" "), c]))("loom %s | head -c 100", (_n, args) => {
    const withSession =
      args[0]!.startsWith("-") || args.includes("--help")
        ? args
        : args[0] === "rejected"
          ? [...args, big]
          : [args[0]!, big, ...args.slice(1)];
    const line = `${process.execPath} ${BIN} ${withSession.map((a) => `'${a}'`).join(" ")} | head -c 100 >/dev/null; echo "\${PIPESTATUS[0]}"`;
    const r = spawnSync("bash", ["-c", line], { env: { ...baseEnv(dir), COLUMNS: "100" }, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("0");
  });
});
