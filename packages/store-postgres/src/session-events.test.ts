// Live events: what another process commits reaches every listener on that session (and no other), with its ops.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createLoom } from "@loom/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresSessionStore, type PostgresSessionStore, type SessionChange } from "./index.js";
import { testDatabase, type TestDatabase } from "./test-support/test-database.js";
import { until } from "./test-support/until.js";

const committer = fileURLToPath(new URL("./test-support/crash-committer.ts", import.meta.url));
const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));

/** Run the committer in a process of its own until it has acknowledged `count` decisions; returns their ids. */
function commitElsewhere(url: string, id: string, count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--import", "tsx", committer, `postgres:${url}`, id, "5"], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const acked: string[] = [];
    let buffer = "";
    let stderr = "";
    proc.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop()!;
      for (const line of lines) if (line !== "open" && acked.length < count) acked.push(line);
      if (acked.length >= count) proc.kill("SIGKILL");
    });
    proc.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    proc.on("error", reject);
    proc.on("exit", (code, signal) =>
      signal === "SIGKILL" ? resolve(acked) : reject(new Error(`committer exited with ${code}: ${stderr}`)),
    );
  });
}

let db: TestDatabase;
const stores: PostgresSessionStore[] = [];
beforeAll(async () => {
  db = await testDatabase();
  for (let i = 0; i < 3; i++) stores.push(postgresSessionStore(db.url));
});
afterAll(async () => {
  for (const s of stores) await s.close();
  await db?.dispose();
});

describe("LISTEN/NOTIFY", () => {
  it("brings every commit of another process to each listener of the session, in order, with its ops", async () => {
    const [a, b, c] = stores as [PostgresSessionStore, PostgresSessionStore, PostgresSessionStore];
    await (await a.create("live", createLoom({ seed: "Live:" }))).close();
    await (await a.create("quiet", createLoom({ seed: "Quiet:" }))).close();
    const seen: SessionChange[][] = [[], []];
    const stops = [
      await a.listen("live", (ch) => seen[0]!.push(ch)),
      await b.listen("live", (ch) => seen[1]!.push(ch)),
    ];
    const elsewhere: SessionChange[] = [];
    stops.push(await c.listen("quiet", (ch) => elsewhere.push(ch)));

    const acked = await commitElsewhere(db.url, "live", 5);
    const { seq } = await c.show("live");
    for (const [i, changes] of seen.entries()) {
      await until(() => changes.at(-1)?.seq === seq, `listener ${i} to see seq ${seq}`);
      const seqs = changes.map((ch) => ch.seq);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      expect(new Set(changes.map((ch) => ch.sessionId))).toEqual(new Set(["live"]));
    }
    expect(elsewhere).toEqual([]);

    // What a listener fetches on a change: the ops since what it had, every acknowledged choice among them.
    const ops = (await a.opsSince("live", 0))!;
    expect(ops.map((o) => o.seq)).toEqual(Array.from({ length: seq }, (_, i) => i + 1));
    const chosen = ops.flatMap((o) => (o.op.op === "resolve" ? [o.op.decisionId] : []));
    for (const id of acked) expect(chosen).toContain(id);

    // Compacted ops are gone: the listener is told to read the session again rather than given a partial list.
    const writer = await a.open("live");
    await writer.compact();
    await writer.close();
    expect(await a.opsSince("live", 0)).toBeNull();
    expect(await a.opsSince("live", seq)).toEqual([]);
    for (const stop of stops) await stop();
  }, 60_000);
});
