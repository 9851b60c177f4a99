import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { findInvariantViolations } from "@loom/core";
import { readSession } from "@loom/io";
import { afterEach, describe, expect, it } from "vitest";
import { readLines, tempDir } from "./test-support.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const child = fileURLToPath(new URL("./local-session-child.ts", import.meta.url));
const model = fileURLToPath(new URL("../../../../shared/models/stories260K.gguf", import.meta.url));

function start(args: string[]): {
  proc: ChildProcess;
  lines: Record<string, unknown>[];
  waitFor: (event: string) => Promise<Record<string, unknown>>;
  exit: Promise<number | null>;
} {
  const proc = spawn(process.execPath, ["--import", "tsx", child, ...args], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, LOOM_TEST_MODEL: model },
  });
  const lines: Record<string, unknown>[] = [];
  const waiters: { event: string; resolve: (l: Record<string, unknown>) => void }[] = [];
  let buffer = "";
  let stderr = "";
  proc.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  proc.stdout!.on("data", (c: Buffer) => {
    buffer += c.toString();
    let at;
    while ((at = buffer.indexOf("\n")) >= 0) {
      const text = buffer.slice(0, at);
      buffer = buffer.slice(at + 1);
      if (!text.startsWith("{")) continue;
      const line = JSON.parse(text) as Record<string, unknown>;
      lines.push(line);
      for (const w of waiters.filter((w) => w.event === line["event"])) w.resolve(line);
    }
  });
  const exit = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  const waitFor = (event: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const seen = lines.find((l) => l["event"] === event);
      if (seen) return resolve(seen);
      waiters.push({ event, resolve });
      void exit.then((code) => reject(new Error(`child exited (${code}) before "${event}": ${stderr.slice(-2000)}`)));
    });
  return { proc, lines, waitFor, exit };
}

let tmp: ReturnType<typeof tempDir> | null = null;
afterEach(() => tmp?.cleanup());

describe.skipIf(!existsSync(model))("a session on the local engine, killed and resumed", () => {
  it("survives kill -9 after 20 decisions and at a random instant, resumes on the stored candidates, finishes with a whole manifest", async () => {
    tmp = tempDir();
    const first = start(["create", tmp.dir, "30", "20"]);
    const hang = await first.waitFor("hang");
    first.proc.kill("SIGKILL");
    expect(await first.exit).toBeNull();
    // The journal holds the 20 decisions; the manifest, written with the group commit, may lack the last
    // window's lines until the next open appends them (checked whole at the end).
    const killed = await readSession(tmp.dir);
    expect(Object.values(killed.loom.decisions).filter((d) => d.action === "choose")).toHaveLength(20);
    expect(readLines(join(tmp.dir, "manifest.ndjson")).length).toBeLessThanOrEqual(20);

    // Resume; the step cut off by the kill is re-presented from disk, not generated again. Then kill -9
    // again at an arbitrary instant of the loop, and resume once more to finish.
    const second = start(["resume", tmp.dir, "30"]);
    expect(await second.waitFor("candidates")).toEqual({
      event: "candidates",
      decisionId: hang["decisionId"],
      reused: true,
    });
    await new Promise((r) => setTimeout(r, 150 + Math.floor(Math.random() * 600)));
    second.proc.kill("SIGKILL");
    await second.exit;

    const third = start(["resume", tmp.dir, "30"]);
    const done = await third.waitFor("done");
    expect(await third.exit).toBe(0);
    expect(done).toMatchObject({ decisions: 30, result: { reason: "max-steps" } });

    const { loom } = await readSession(tmp.dir);
    expect(findInvariantViolations(loom)).toEqual([]);
    const manifest = readLines(join(tmp.dir, "manifest.ndjson"));
    expect(manifest).toHaveLength(30);
    expect(new Set(manifest.map((l) => l["decisionId"])).size).toBe(30);
    expect(manifest[20]!["decisionId"]).toBe(hang["decisionId"]);
    expect(manifest[20]!["candidateNodeIds"]).toEqual(hang["candidates"]);
    let divergent = 0;
    for (const line of manifest) {
      const d = loom.decisions[line["decisionId"] as string]!;
      const logprobs = d.candidateNodeIds.map((id) => loom.nodes[id]!.stepLogprob!);
      expect(logprobs.every((lp) => typeof lp === "number" && lp < 0)).toBe(true);
      const chosen = loom.nodes[line["chosenNodeId"] as string]!;
      expect(line["logprobGap"]).toBeCloseTo(chosen.stepLogprob! - Math.max(...logprobs), 9);
      expect(line["logprobGap"]).toBe(d.logprobGap);
      expect(line["chosenText"]).toBe(chosen.text);
      if ((line["logprobGap"] as number) < 0) divergent++;
    }
    expect(divergent).toBeGreaterThan(5);
    expect(loom.currentPath).toHaveLength(31);
    expect(loom.nodes[loom.currentPath[1]!]!.meta).toMatchObject({ provider: "local", model: "stories260K.gguf" });
  }, 120_000);
});
