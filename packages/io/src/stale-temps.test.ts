// A writer opening a session removes the temp files that killed writers left behind, and only theirs.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLoom, sequentialEnv } from "@loom/core";
import { afterEach, beforeEach, expect, it } from "vitest";
import { createSession, openSession } from "./index.js";

let dir: string;
beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), "loom-temps-")), "session");
});
afterEach(() => rmSync(join(dir, ".."), { recursive: true, force: true }));

/** The pid of a process that has exited (a kill -9 victim's, as far as its files can tell). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
  return Number(r.stdout.toString());
}

it("a writer's open removes a dead writer's temp files (journal swap, snapshot, side state); a live one's and the lock's stay", async () => {
  await (await createSession(dir, createLoom({ seed: "The kiln", sessionId: "t" }, sequentialEnv()))).close();
  const dead = deadPid();
  mkdirSync(join(dir, "state"), { recursive: true });
  const left = [
    `.journal.ndjson.${dead}.3.tmp`,
    `.loom.json.${dead}.4.tmp`,
    join("state", `.usage.json.${dead}.5.tmp`),
  ];
  const kept = [`.journal.ndjson.${process.pid}.9.tmp`, ".lock.4f2a.tmp", "notes.txt"];
  for (const f of [...left, ...kept]) writeFileSync(join(dir, f), "half-written");

  // A reader changes nothing.
  await (await openSession(dir, { readOnly: true })).close();
  for (const f of left) expect(existsSync(join(dir, f))).toBe(true);

  const session = await openSession(dir);
  await session.close();
  for (const f of left) expect(existsSync(join(dir, f)), f).toBe(false);
  for (const f of kept) expect(existsSync(join(dir, f)), f).toBe(true);
  expect(
    readdirSync(dir)
      .filter((n) => n.endsWith(".tmp"))
      .sort(),
  ).toEqual([".journal.ndjson." + process.pid + ".9.tmp", ".lock.4f2a.tmp"].sort());
});
