import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createLoom, findInvariantViolations } from "@loom/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { filesUnderTest, postgresUnderTest, type StoreUnderTest } from "./test-support/both-stores.js";

const child = fileURLToPath(new URL("./test-support/crash-committer.ts", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));

// Few trials: each spawns a Node process (seconds on a loaded machine). The files get one, as a check that they keep
// the same contract: @loom/io's crash test kills their writer 24 times.
const TRIALS = { files: 1, postgres: 3 } as const;

/** Run the committer, SIGKILL it at a random instant after its first acknowledgement, return what it acknowledged. */
function trial(spec: string, id: string, seed: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--import", "tsx", child, spec, id, String(seed)], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const acked: string[] = [];
    let buffer = "";
    let stderr = "";
    let armed = false;
    proc.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line === "open") continue;
        acked.push(line);
        if (!armed) {
          armed = true;
          setTimeout(() => proc.kill("SIGKILL"), 20 + ((seed * 37) % 200));
        }
      }
    });
    proc.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    proc.on("error", reject);
    proc.on("exit", (code, signal) => {
      if (signal !== "SIGKILL") reject(new Error(`committer exited with ${code}: ${stderr}`));
      // Lines that reached the pipe before the kill arrive before "exit"; a partial last line is no acknowledgement.
      else resolve(acked);
    });
  });
}

describe.each([
  ["files", filesUnderTest],
  ["postgres", postgresUnderTest],
] as const)("kill -9 while committing: %s", (kind, make) => {
  const trials = TRIALS[kind];
  let under: StoreUnderTest;
  beforeAll(async () => {
    under = await make();
  });
  afterAll(() => under?.dispose());

  it(`loses no acknowledged decision and applies nothing by halves across ${trials} kill(s)`, async () => {
    const store = under.open();
    try {
      await (await store.create("crash", createLoom({ seed: "Crash test:" }))).close();
      const acked: string[] = [];
      for (let t = 1; t <= trials; t++) {
        acked.push(...(await trial(under.spec, "crash", t * 7919)));
        const { loom } = await store.read("crash");
        expect(findInvariantViolations(loom)).toEqual([]);
        for (const id of acked) expect(loom.decisions[id]?.action, `decision ${id} (trial ${t})`).toBe("choose");
        // Each addCandidates op is whole: every decision has all four candidates, each a node of the loom.
        for (const d of Object.values(loom.decisions)) {
          expect(d.candidateNodeIds).toHaveLength(4);
          for (const n of d.candidateNodeIds) expect(loom.nodes[n]?.decisionId).toBe(d.id);
        }
      }
      expect(acked.length).toBeGreaterThanOrEqual(trials);
    } finally {
      await store.close();
    }
  });
});
