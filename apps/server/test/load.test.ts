// Load on loopback, bounded: 50 clients race to choose on one session for 200 steps; one decision per step, none lost, every subscriber sees all.
import { afterAll, beforeAll, expect, test } from "vitest";
import { startTestServer, type TestServer } from "./helpers.js";
import { subscribe, type SseSubscription } from "./sse-client.js";

const CLIENTS = 50;
const STEPS = 200;
const SUBSCRIBERS = 5;

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.stop());

test(`${CLIENTS} clients race to choose for ${STEPS} steps: exactly one accepted per step`, {
  timeout: 120_000,
}, async () => {
  const created = await t.call("POST", "/api/sessions", {
    seed: "Race",
    sessionId: "race",
    generator: { branchingFactor: 8 },
  });
  expect(created.status).toBe(201);
  const subs: SseSubscription[] = await Promise.all(
    Array.from({ length: SUBSCRIBERS }, () => subscribe(`${t.server.url}/api/sessions/race/events`)),
  );
  await Promise.all(subs.map((s) => s.waitFor((e) => e.event === "hello")));

  const accepted: { step: number; decisionId: string; nodeId: string; client: number }[] = [];
  const refused = new Map<number, number>();
  const started = performance.now();
  for (let step = 0; step < STEPS; step++) {
    // Every client asks for candidates (one generation; the others are shown the same open decision)…
    const opened = await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        const g = await t.call("POST", "/api/sessions/race/generate", {});
        expect(g.status).toBe(200);
        return g.body.open as { decisionId: string; candidateNodeIds: string[] };
      }),
    );
    expect(new Set(opened.map((o) => o.decisionId)).size).toBe(1);
    // …then all race to choose one of them.
    await Promise.all(
      opened.map(async ({ decisionId, candidateNodeIds }, client) => {
        const nodeId = candidateNodeIds[(client * 7 + step) % candidateNodeIds.length]!;
        const res = await t.call("POST", "/api/sessions/race/choose", {
          decisionId,
          nodeId,
          reason: `client ${client}`,
        });
        if (res.status === 200) accepted.push({ step, decisionId, nodeId, client });
        else {
          expect(res.status).toBe(409);
          expect(res.body.error.code).toBe("decision_not_open");
          refused.set(step, (refused.get(step) ?? 0) + 1);
        }
      }),
    );
    expect(accepted.filter((a) => a.step === step)).toHaveLength(1);
  }
  const elapsed = performance.now() - started;

  expect(accepted).toHaveLength(STEPS);
  expect([...refused.values()].every((n) => n === CLIENTS - 1)).toBe(true);
  expect(new Set(accepted.map((a) => a.decisionId)).size).toBe(STEPS);

  // The session agrees: one decision per step on the current path, each the accepted one.
  const json = await t.call("GET", "/api/sessions/race/export?format=json");
  const loom = json.body.loom;
  expect(loom.currentPath).toHaveLength(STEPS + 1);
  expect(loom.currentPath.slice(1)).toEqual(accepted.map((a) => a.nodeId));
  const resolved = Object.values(loom.decisions as Record<string, { action: string | null }>).filter(
    (d) => d.action !== null,
  );
  expect(resolved).toHaveLength(STEPS);

  // Every subscriber saw every decision, once each, in order.
  for (const sub of subs) {
    await sub.waitFor(
      (e) =>
        e.event === "decision" && (e.data as { decisionId: string }).decisionId === accepted[STEPS - 1]!.decisionId,
    );
    const seen = sub.events
      .filter((e) => e.event === "decision")
      .map((e) => (e.data as { decisionId: string }).decisionId);
    expect(seen).toEqual(accepted.map((a) => a.decisionId));
    sub.close();
  }
  console.log(
    `load: ${STEPS} steps × ${CLIENTS} clients (${STEPS * CLIENTS * 2} requests) in ${Math.round(elapsed)} ms`,
  );
});
