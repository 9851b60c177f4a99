import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { createLoom } from "@loom/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession, openSession, readSession, SessionLockedError } from "./index.js";

const holder = fileURLToPath(new URL("./test-support/lock-holder.ts", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "loom-lock-"));
const dir = join(tmp, "session");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
beforeAll(async () => {
  await (await createSession(dir, createLoom({ seed: "Locked" }))).close();
});

/** Start a lock-holder child; resolves with its first line of output and the process. */
function startHolder(startAt: number, holdMs: number) {
  const proc = spawn(process.execPath, ["--import", "tsx", holder, dir, String(startAt), String(holdMs)], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const line = new Promise<string>((resolve) => {
    let out = "";
    proc.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      if (out.includes("\n")) resolve(out.trim());
    });
    proc.on("exit", () => resolve(out.trim()));
  });
  let all = "";
  proc.stdout.on("data", (c: Buffer) => {
    all += c.toString();
  });
  const exited = new Promise<void>((resolve) => proc.on("exit", () => resolve()));
  return { proc, line, exited, output: () => all };
}

/** The pid of a process that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
  return Number(r.stdout.toString());
}

describe("the session lock", () => {
  it("makes a second writer fail naming the live holder's pid; readers need no lock; a SIGKILLed holder's lock is taken over", async () => {
    const h = startHolder(0, 60_000);
    const first = await h.line;
    expect(first).toMatch(/^ok \d+$/);
    const pid = h.proc.pid!;
    expect(first).toBe(`ok ${pid}`);
    const lock = JSON.parse(readFileSync(join(dir, "lock"), "utf8"));
    expect(lock).toMatchObject({ pid, hostname: hostname() });
    expect(Date.parse(lock.startedAt)).toBeGreaterThan(Date.now() - 120_000);

    const error = await openSession(dir).catch((e: unknown) => e);
    expect(SessionLockedError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(`process ${pid}`);
    expect((error as SessionLockedError).holder.pid).toBe(pid);
    // read-only opens and readSession take no lock and still work
    const ro = await openSession(dir, { readOnly: true });
    expect(ro.loom.nodes[ro.loom.rootId]!.text).toBe("Locked");
    await ro.close();
    expect((await readSession(dir)).loom.currentPath).toHaveLength(1);

    h.proc.kill("SIGKILL");
    await h.exited;
    expect(existsSync(join(dir, "lock"))).toBe(true); // left behind by the killed holder
    const s = await openSession(dir);
    expect(JSON.parse(readFileSync(join(dir, "lock"), "utf8")).pid).toBe(process.pid);
    await s.close();
    expect(existsSync(join(dir, "lock"))).toBe(false);
  }, 60_000);

  it("lets one process at a time of several racing over a stale lock take it", async () => {
    for (let round = 0; round < 3; round++) {
      const dead = deadPid();
      writeFileSync(
        join(dir, "lock"),
        JSON.stringify({
          pid: dead,
          hostname: hostname(),
          startedAt: new Date().toISOString(),
          processStart: null,
          token: `stale-${round}`,
        }),
      );
      const startAt = Date.now() + 2500;
      const racers = [startHolder(startAt, 1500), startHolder(startAt, 1500), startHolder(startAt, 1500)];
      const lines = await Promise.all(racers.map((r) => r.line));
      await Promise.all(racers.map((r) => r.exited));
      const winners = lines.filter((l) => l.startsWith("ok "));
      expect(winners.length, lines.join(" | ")).toBeGreaterThan(0);
      // On a loaded machine a racer may start after the first winner released the lock and win it fairly; what
      // must never happen is two holding it at once: the winners' holding windows do not overlap.
      const windows = racers
        .map((r) => /^held (\d+) (\d+)$/m.exec(r.output()))
        .filter((m) => m !== null)
        .map((m) => [Number(m[1]), Number(m[2])] as const)
        .sort((a, b) => a[0] - b[0]);
      expect(windows).toHaveLength(winners.length);
      for (let i = 1; i < windows.length; i++) expect(windows[i]![0]).toBeGreaterThanOrEqual(windows[i - 1]![1]);
      // the others were told who holds it (a winner, never the dead process)
      const winnerPids = winners.map((w) => w.slice(3));
      for (const l of lines.filter((x) => !x.startsWith("ok ")))
        expect(winnerPids).toContain(l.slice("locked ".length));
      expect(existsSync(join(dir, "lock"))).toBe(false);
    }
  }, 90_000);

  it("never lets two writers hold it at once, over 100 rounds of 6 threads racing to take over a stale lock", async () => {
    const raceDir = join(tmp, "race");
    await (await createSession(raceDir, createLoom({ seed: "Raced" }))).close();
    // flags[0]: the round now open; flags[1]: how many racers hold the lock right now.
    const flags = new Int32Array(new SharedArrayBuffer(8));
    const racer = fileURLToPath(new URL("./test-support/lock-racer.mjs", import.meta.url));
    const workers = Array.from({ length: 6 }, () => new Worker(racer, { workerData: { dir: raceDir, flags } }));
    try {
      let mostAtOnce = 0;
      const failures: string[] = [];
      const dead = deadPid(); // one exited process for all rounds (a spawn per round would dominate the test)
      for (let round = 1; round <= 100; round++) {
        writeFileSync(
          join(raceDir, "lock"),
          JSON.stringify({ pid: dead, hostname: hostname(), startedAt: "", processStart: null, token: `s${round}` }),
        );
        const answers = workers.map(
          (w) =>
            new Promise<{ won: boolean; holders?: number; error?: string }>((resolve, reject) => {
              const failed = (e: Error) => reject(e);
              w.once("error", failed);
              w.once("message", (m) => {
                w.off("error", failed);
                resolve(m);
              });
            }),
        );
        for (const w of workers) w.postMessage(round);
        Atomics.store(flags, 0, round);
        Atomics.notify(flags, 0);
        const results = await Promise.all(answers);
        for (const r of results) {
          if (r.won) mostAtOnce = Math.max(mostAtOnce, r.holders!);
          else if (r.error !== "locked") failures.push(`round ${round}: ${r.error}`);
        }
        expect(
          results.some((r) => r.won),
          `round ${round} has a winner`,
        ).toBe(true);
        expect(existsSync(join(raceDir, "lock")), `round ${round} leaves no lock`).toBe(false);
      }
      expect(failures).toEqual([]);
      expect(mostAtOnce, "writers holding the lock at the same time").toBe(1);
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
  }, 120_000);

  it("treats a lock whose pid now belongs to another process (pid reuse) as stale", async () => {
    if (!existsSync("/proc/self/stat")) return; // the start-time check needs /proc (Linux)
    writeFileSync(
      join(dir, "lock"),
      JSON.stringify({
        pid: process.pid,
        hostname: hostname(),
        startedAt: "2020-01-01T00:00:00.000Z",
        processStart: 1,
        token: "reused",
      }),
    );
    const s = await openSession(dir);
    expect(JSON.parse(readFileSync(join(dir, "lock"), "utf8")).token).not.toBe("reused");
    await s.close();
  });

  it("takes over a stale lock whose first taker was killed during the takeover (its marker left behind)", async () => {
    // What a writer SIGKILLed mid-takeover leaves: the dead holder's lock, and the dead taker's marker for it.
    const dead = deadPid();
    const stale = { pid: dead, hostname: hostname(), startedAt: "", processStart: null, token: "killed-holder" };
    writeFileSync(join(dir, "lock"), JSON.stringify(stale));
    const hash = createHash("sha256").update(stale.token).digest("hex").slice(0, 24);
    const marker = join(dir, `.lock.takeover.${hash}`);
    writeFileSync(marker, JSON.stringify({ ...stale, token: "killed-taker" }));
    const s = await openSession(dir);
    expect(JSON.parse(readFileSync(join(dir, "lock"), "utf8")).pid).toBe(process.pid);
    await s.close();
    // The dead taker's marker is gone with the lock it was for; nothing is left for a person to remove.
    expect(readdirSync(dir).filter((f) => f.startsWith(".lock."))).toEqual([]);
  });

  it("refuses a lock held by another host, since its process cannot be checked", async () => {
    writeFileSync(
      join(dir, "lock"),
      JSON.stringify({
        pid: 4242,
        hostname: "elsewhere.example",
        startedAt: "2026-01-01T00:00:00.000Z",
        processStart: null,
        token: "remote",
      }),
    );
    await expect(openSession(dir)).rejects.toThrow(/process 4242 on elsewhere\.example/);
    rmSync(join(dir, "lock"));
  });
});
