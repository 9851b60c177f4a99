import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createLoom, findInvariantViolations } from "@loom/core";
import { afterAll, describe, expect, it } from "vitest";
import { createSession, openSession, readSession } from "./index.js";

const child = fileURLToPath(new URL("./test-support/crash-writer.ts", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "loom-crash-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const TRIALS = 24;

/** Run the writer, SIGKILL it at a random instant, and return the decision ids it reported committed. */
function trial(dir: string, seed: number): Promise<{ reported: string[]; opened: boolean }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--import", "tsx", child, dir, String(seed)], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const reported: string[] = [];
    let opened = false;
    let buffer = "";
    let stderr = "";
    let armed = false;
    // Mostly kill while committing; sometimes while it is still opening (lock takeover, repair of the torn tail).
    const early = seed % 5 === 0;
    const arm = (delay: number) => {
      if (armed) return;
      armed = true;
      setTimeout(() => proc.kill("SIGKILL"), delay);
    };
    proc.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line === "opening") {
          if (early) arm(Math.floor(Math.random() * 15));
        } else if (line === "open") opened = true;
        else {
          reported.push(line);
          arm(Math.floor(Math.random() * 250));
        }
      }
    });
    proc.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    proc.on("error", reject);
    proc.on("exit", (code, signal) => {
      if (signal !== "SIGKILL") reject(new Error(`writer exited with ${code}: ${stderr}`));
      // Lines that reached the pipe before the kill are delivered before "exit"; a partial last line is not a report.
      else resolve({ reported, opened });
    });
  });
}

describe("crash safety", () => {
  it(`keeps every decision reported committed across ${TRIALS} SIGKILLs at random instants`, async () => {
    const dir = join(tmp, "session");
    await (await createSession(dir, createLoom({ seed: "Crash test:" }))).close();
    const committed: string[] = [];
    let totalWarnings = 0;
    for (let t = 1; t <= TRIALS; t++) {
      const { reported } = await trial(dir, t * 7919);
      committed.push(...reported);
      // Each reload is whole: it loads, the invariants hold, and every reported decision is there, resolved.
      const { loom, warnings } = await readSession(dir);
      totalWarnings += warnings.length;
      expect(findInvariantViolations(loom)).toEqual([]);
      for (const id of committed) {
        expect(loom.decisions[id]?.action, `decision ${id} (trial ${t})`).toBe("choose");
      }
      // `mutate` returned only after the manifest append, so every reported decision has its line too.
      const manifest = readFileSync(join(dir, "manifest.ndjson"), "utf8");
      const listed = new Set(
        manifest.split("\n").flatMap((l) => (l.endsWith("}") ? [JSON.parse(l).decisionId as string] : [])),
      );
      for (const id of committed) expect(listed.has(id), `manifest line for ${id}`).toBe(true);
    }
    expect(committed.length).toBeGreaterThan(TRIALS * 5);
    // A final writer repairs whatever the last kill left, compacts, and closes cleanly.
    const session = await openSession(dir);
    await session.close();
    const { loom, warnings } = await readSession(dir);
    expect(warnings).toEqual([]);
    expect(readFileSync(join(dir, "journal.ndjson"), "utf8")).toBe("");
    for (const id of committed) expect(loom.decisions[id]?.action).toBe("choose");
    console.log(
      `crash test: ${committed.length} decisions reported over ${TRIALS} kills; ${totalWarnings} load warnings (torn tails dropped)`,
    );
  }, 180_000);
});
