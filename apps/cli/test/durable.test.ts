// --durable through the built binary, watched with strace: every decision fsynced when asked (and only then), and every rename and link fsynced with its directory.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { readSession } from "@loom/io";
import { beforeAll, describe, expect, it } from "vitest";
import { BIN, MODEL, baseEnv, ensureBuilt, scratch, newSessionArgs } from "./helpers.js";

let dir: string;

beforeAll(() => {
  ensureBuilt();
  dir = scratch("loom-durable-");
});

interface Traced {
  code: number | null;
  stdout: string;
  stderr: string;
  /** strace lines: pid, then the call with file descriptors shown as their paths (-y). */
  calls: string[];
}

/** `loom …` under strace, recording the calls that make data durable or move names. */
function traced(name: string, args: string[]): Promise<Traced> {
  const log = join(dir, `${name}.strace`);
  const strace = ["-f", "-y", "-qq", "-e", "trace=fsync,fdatasync,rename,renameat,renameat2,link,linkat", "-o", log];
  return new Promise((resolve, reject) => {
    const child = spawn("strace", [...strace, process.execPath, BIN, ...args], {
      cwd: dir,
      env: { ...baseEnv(dir), LOOM_MODEL: MODEL },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const calls = readFileSync(log, "utf8").split("\n").filter(Boolean);
      resolve({ code, stdout, stderr, calls });
    });
    child.stdin.end();
  });
}

/** fsync (not group commit's fdatasync) calls on a file of the session, by its name. */
const fsyncsOf = (t: Traced, file: string) =>
  t.calls.filter((c) => new RegExp(`\\bfsync\\(\\d+<[^>]*/${file.replace(".", "\\.")}>\\)\\s+= 0`).test(c)).length;

/** Every successful rename or link in the trace, as [from, to]. */
function moves(t: Traced): [string, string][] {
  const out: [string, string][] = [];
  for (const c of t.calls) {
    const m =
      /\b(?:renameat2|renameat|rename|linkat|link)\((?:AT_FDCWD, )?"([^"]+)", (?:AT_FDCWD, )?"([^"]+)".*\)\s+= 0$/.exec(
        c,
      );
    if (m) out.push([m[1]!, m[2]!]);
  }
  return out;
}

/** Whether the file was fsynced before it moved, and its directory after. */
function fsyncedAround(t: Traced, from: string, to: string): { file: boolean; dir: boolean } {
  const at = t.calls.findIndex((c) => c.includes(`"${from}"`) && c.includes(`"${to}"`) && /\s= 0$/.test(c));
  const fsync = (path: string) => (c: string) => /\bfsync\(/.test(c) && c.includes(`<${path}>)`) && /\s= 0$/.test(c);
  return {
    file: t.calls.slice(0, at).some(fsync(from)),
    dir: t.calls.slice(at + 1).some(fsync(dirname(to))),
  };
}

const newArgs = (name: string, ...extra: string[]) =>
  newSessionArgs(join(dir, name), { branching: 2, sampleSeed: 3 }, "--selector", "auto", "--max-steps", "6", ...extra);

describe("--durable (strace on the built binary)", () => {
  it("new --durable saves the setting; each decision of a run is then fsynced, every move fsynced with its directory", async () => {
    const made = await traced("new", newArgs("durable", "--durable"));
    expect(made.code, made.stderr).toBe(0);
    expect((await readSession(join(dir, "durable"))).loom.config.durable).toBe(true);

    const run = await traced("run", ["run", join(dir, "durable"), "--json"]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ reason: "max-steps", steps: 6 });
    // Each decision appends twice to the journal (candidates, choice) and once to the manifest, each fsynced.
    expect(fsyncsOf(run, "journal.ndjson")).toBeGreaterThanOrEqual(12);
    expect(fsyncsOf(run, "manifest.ndjson")).toBeGreaterThanOrEqual(6);

    // The lock (linked into place), snapshots, the swapped journal and side state: file fsynced, then its directory.
    for (const t of [made, run]) {
      const all = moves(t);
      expect(all.some(([, to]) => to.endsWith("/lock"))).toBe(true);
      expect(all.some(([, to]) => to.endsWith("/loom.json"))).toBe(true);
      for (const [from, to] of all) {
        if (from.endsWith(".stale")) continue; // a stale lock set aside is deleted, never relied on
        expect({ from, to, ...fsyncedAround(t, from, to) }).toEqual({ from, to, file: true, dir: true });
      }
    }
  }, 180_000);

  it("without it a run leaves fsyncs to group commit; run --durable asks for them for that run", async () => {
    expect((await traced("new-plain", newArgs("plain"))).code).toBe(0);
    expect((await readSession(join(dir, "plain"))).loom.config.durable).toBe(false);
    const plain = await traced("run-plain", ["run", join(dir, "plain"), "--json"]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(JSON.parse(plain.stdout)).toMatchObject({ steps: 6 });
    // Only the flush at close (and the reopened journal after a compaction): far fewer than 12.
    expect(fsyncsOf(plain, "journal.ndjson")).toBeLessThanOrEqual(3);

    const durable = await traced("run-durable", [
      "resume",
      join(dir, "plain"),
      "--durable",
      "--max-steps",
      "3",
      "--json",
    ]);
    expect(durable.code, durable.stderr).toBe(0);
    expect(fsyncsOf(durable, "journal.ndjson")).toBeGreaterThanOrEqual(6);
    // The flag holds for the run only: the session's setting is unchanged.
    expect((await readSession(join(dir, "plain"))).loom.config.durable).toBe(false);
  }, 180_000);
});
