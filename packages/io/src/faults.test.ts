// Fault injection: a disk that fills up or fails (ENOSPC, EIO, failed renames) at every write, fsync and rename of commits and compactions loses no acknowledged decision.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addCandidates, choose, createLoom, findInvariantViolations, sequentialEnv } from "@loom/core";
import { afterAll, describe, expect, it } from "vitest";
import { createSession, openSession, readSession } from "./index.js";
import { faultyFiles, type FaultPlan } from "./test-support/faulty-files.js";

// On a RAM file system where there is one: the faults are injected, so real fsyncs would only cost time.
const tmp = mkdtempSync(join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), "loom-faults-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const STEPS = 6;
const tick = () => new Promise<void>((r) => setImmediate(r));

/** Create a session and commit STEPS decisions through `files`, compacting along the way; returns the decisions acknowledged. */
async function scenario(
  dir: string,
  files: ReturnType<typeof faultyFiles>,
  durable: boolean,
): Promise<{ acked: string[]; created: boolean }> {
  const env = sequentialEnv();
  const acked: string[] = [];
  let session;
  try {
    session = await createSession(dir, createLoom({ seed: "Fault", sessionId: "s-fault" }, env), {
      files,
      durable,
      compactAfterBytes: 1500,
      groupCommitMs: 1,
    });
  } catch {
    return { acked, created: false };
  }
  try {
    for (let i = 0; i < STEPS; i++) {
      const tip = session.loom.currentPath.at(-1)!;
      const { decisionId, nodeIds } = session.mutate((l) =>
        addCandidates(
          l,
          tip,
          [
            { text: ` a${i}`, stepLogprob: -1 },
            { text: ` b${i}`, stepLogprob: -2 },
          ],
          { env },
        ),
      );
      session.mutate((l) => choose(l, decisionId, nodeIds[i % 2]!, "auto", `step ${i}`, env));
      acked.push(decisionId);
      // Let background compactions and group commits run between steps, as a real loop's model calls do.
      for (let t = 0; t < 3; t++) await tick();
      if (i === STEPS / 2) await session.compact();
    }
  } catch {
    // The fault surfaced as an error of a commit or a compaction: the step in flight is not acknowledged.
  }
  await session.close().catch(() => {});
  return { acked, created: true };
}

async function check(dir: string, acked: string[], label: string) {
  // A plain reopen (the disk is healthy again) repairs what the fault left and loses nothing acknowledged.
  const session = await openSession(dir);
  const loom = session.loom;
  // Torn tails may be dropped (never acknowledged); damage inside a file never happens.
  expect(
    session.warnings.filter((w) => !/torn last line|had no manifest line/.test(w)),
    label,
  ).toEqual([]);
  expect(findInvariantViolations(loom), label).toEqual([]);
  for (const id of acked) expect(loom.decisions[id]?.action, `${label}: decision ${id}`).toBe("choose");
  await session.close();
  const again = await readSession(dir);
  expect(again.warnings, label).toEqual([]);
  // One manifest line per final decision, no more, no less.
  const lines = readFileSync(join(dir, "manifest.ndjson"), "utf8")
    .trimEnd()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l).decisionId as string);
  const final = Object.values(again.loom.decisions)
    .filter((d) => d.action === "choose")
    .map((d) => d.id);
  expect([...lines].sort(), label).toEqual([...final].sort());
}

describe("fault injection", () => {
  for (const durable of [false, true]) {
    it(`loses no acknowledged decision when any write, fsync or rename fails (${durable ? "durable" : "group commit"})`, async () => {
      const clean = faultyFiles(null);
      await scenario(join(tmp, `clean-${durable}`), clean, durable);
      const points = clean.count;
      expect(points).toBeGreaterThan(STEPS * 2);
      let runs = 0;
      let fired = 0;
      for (let at = 1; at <= points; at++) {
        for (const plan of [
          { at, code: "ENOSPC", persist: true },
          { at, code: "ENOSPC", persist: false },
          { at, code: "EIO", persist: false },
        ] satisfies FaultPlan[]) {
          const dir = join(tmp, `run-${durable}-${at}-${plan.code}`);
          const files = faultyFiles(plan);
          const { acked, created } = await scenario(dir, files, durable);
          runs++;
          if (files.fired) fired++;
          if (created)
            await check(dir, acked, `fault ${plan.code} at point ${at}${plan.persist ? " (persisting)" : ""}`);
          rmSync(dir, { recursive: true, force: true });
        }
      }
      expect(fired).toBeGreaterThan(runs * 0.9);
      console.log(
        `fault injection (${durable ? "durable" : "group commit"}): ${runs} runs over ${points} fault points`,
      );
    }, 120_000);
  }
});
