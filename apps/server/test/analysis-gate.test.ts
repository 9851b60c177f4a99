// GET /api/analysis takes turns: at most `running` analyses at once, `waiting` more wait for a turn in order, and
// the rest are refused at once with 503, code "busy" and Retry-After, so a client (or many) cannot start analyses
// without end, each with its own workers and sessions in memory.
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { createSession } from "@loom/io";
import { realisticLoom } from "@loom/testkit";
import { AnalysisGate } from "../src/api/analysis-gate.js";
import { HttpError } from "../src/http/http-error.js";
import { startTestServer, type TestServer } from "./helpers.js";

/** A promise with its resolve, to end a task when the test says. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

test("the gate runs at most `running` at once, hands turns over in arrival order, and refuses beyond `waiting`", async () => {
  const gate = new AnalysisGate({ running: 2, waiting: 2 });
  const ends = Array.from({ length: 5 }, deferred);
  const started: number[] = [];
  let active = 0;
  let peak = 0;
  const tasks = ends.map((end, i) =>
    gate.run(async () => {
      started.push(i);
      peak = Math.max(peak, ++active);
      await end.promise;
      active--;
      return i;
    }),
  );
  // The fifth found both turns taken and the waiting room full.
  const refused = await tasks[4]!.then(
    () => null,
    (e: unknown) => e,
  );
  expect(HttpError.isInstance(refused)).toBe(true);
  expect((refused as HttpError).status).toBe(503);
  expect((refused as HttpError).code).toBe("busy");
  expect((refused as HttpError).extra.headers?.["retry-after"]).toBe("5");
  expect((refused as HttpError).message).toMatch(/running 2 analyses with 2 more waiting/);
  await Promise.resolve();
  expect(started).toEqual([0, 1]);
  expect(gate.load).toEqual({ active: 2, queued: 2 });
  ends[1]!.resolve();
  expect(await tasks[1]).toBe(1);
  await new Promise((r) => setImmediate(r));
  expect(started).toEqual([0, 1, 2]);
  ends[0]!.resolve();
  ends[2]!.resolve();
  ends[3]!.resolve();
  expect(await Promise.all(tasks.slice(0, 4))).toEqual([0, 1, 2, 3]);
  expect(started).toEqual([0, 1, 2, 3]);
  expect(peak).toBe(2);
  expect(gate.load).toEqual({ active: 0, queued: 0 });
  // A failed analysis hands its turn on too.
  await expect(gate.run(() => Promise.reject(new Error("unreadable")))).rejects.toThrow("unreadable");
  expect(gate.load).toEqual({ active: 0, queued: 0 });
  expect(() => new AnalysisGate({ running: 0 })).toThrow(/at least 1/);
});

let t: TestServer;
const IDS = ["s1", "s2", "s3", "s4"];

beforeAll(async () => {
  t = await startTestServer({ analyses: { running: 1, waiting: 1 } });
  // Sessions big enough that one analysis outlasts the dispatch of a handful of requests sent together.
  for (const [i, id] of IDS.entries()) {
    const loom = realisticLoom({ decisions: 100, branching: 8, seed: i + 1 });
    await (await createSession(join(t.dir, id), loom)).close();
  }
}, 120_000);
afterAll(() => t?.stop());

test("GET /api/analysis: requests sent together get one turn and one wait; the rest 503 with Retry-After, and a later one runs", async () => {
  const replies = await Promise.all(
    Array.from({ length: 6 }, async () => {
      const res = await fetch(`${t.server.url}/api/analysis`);
      return { status: res.status, retryAfter: res.headers.get("retry-after"), body: await res.json() };
    }),
  );
  const ok = replies.filter((r) => r.status === 200);
  const busy = replies.filter((r) => r.status === 503);
  expect(ok.length + busy.length).toBe(6);
  expect(ok.length).toBeGreaterThanOrEqual(2);
  expect(busy.length).toBeGreaterThanOrEqual(1);
  for (const r of busy) {
    expect(r.retryAfter).toBe("5");
    expect(r.body.error.code).toBe("busy");
    expect(r.body.error.message).toMatch(/ask again in 5 s/);
  }
  // Those that ran all saw the same four sessions.
  for (const r of ok) {
    expect(r.body.sessions).toEqual(IDS);
    expect(r.body.table).toEqual(ok[0]!.body.table);
  }
  // Once they are done the server takes analyses again.
  const later = await t.call("GET", "/api/analysis");
  expect(later.status).toBe(200);
  expect(later.body.sessions).toEqual(IDS);
}, 120_000);
