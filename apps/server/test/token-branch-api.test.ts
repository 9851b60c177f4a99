// Branching at a token over real HTTP: the new sibling keeps the tokens before the point and takes the alternative (or the text), becomes the tip and is journaled; bad bodies name the field, unknown nodes are 404, a running session 409.
import { ScriptedGenerator } from "@loom/generators/test";
import { rm } from "node:fs/promises";
import { afterAll, beforeAll, expect, test } from "vitest";
import { clarifyingSelectorFor, startTestServer, type TestServer } from "./helpers.js";
import { subscribe } from "./sse-client.js";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({
    backendOptions: {
      // Four-word candidates, so a branch point has tokens on both sides.
      generatorFor: () => new ScriptedGenerator({ seed: 7, script: () => [" the old red door", " a quiet wet lane"] }),
      selectorFor: clarifyingSelectorFor,
    },
  });
});
afterAll(() => t.stop());

interface Tok {
  text: string;
  logprob?: number;
  top?: { text: string; logprob: number }[];
}
interface ExportedLoom {
  currentPath: string[];
  nodes: Record<string, { text: string; parentId: string | null; tokens: Tok[] | null; chosenBy: string | null }>;
  decisions: Record<string, { reason: string | null; chosenNodeId: string | null; chosenBy: string | null }>;
}
const loomOf = async (id: string) =>
  (await t.call("GET", `/api/sessions/${id}/export?format=json`)).body.loom as ExportedLoom;

/** A session with one chosen step; returns the chosen node and its tokens. */
async function oneStep(sessionId: string): Promise<{ nodeId: string; tokens: Tok[] }> {
  await t.call("POST", "/api/sessions", { seed: "She opened", sessionId });
  const g = await t.call("POST", `/api/sessions/${sessionId}/generate`, {});
  const nodeId = g.body.open.candidateNodeIds[0] as string;
  await t.call("POST", `/api/sessions/${sessionId}/choose`, { decisionId: g.body.open.decisionId, nodeId });
  return { nodeId, tokens: (await loomOf(sessionId)).nodes[nodeId]!.tokens! };
}

test("a branch at token k keeps tokens 0..k-1, takes the alternative at k, is the tip and a human's choice", async () => {
  const { nodeId, tokens } = await oneStep("alt");
  expect(tokens.length).toBeGreaterThan(2);
  const k = 2;
  const j = tokens[k]!.top!.findIndex((a) => a.text !== tokens[k]!.text);
  expect(j).toBeGreaterThanOrEqual(0);
  const r = await t.call("POST", `/api/sessions/alt/nodes/${nodeId}/branch`, { tokenIndex: k, alternative: j });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  const made = r.body.nodeId as string;
  expect(r.body.tip).toBe(made);

  const loom = await loomOf("alt");
  const branch = loom.nodes[made]!;
  expect(branch.parentId).toBe(loom.nodes[nodeId]!.parentId);
  expect(branch.tokens!.slice(0, k).map((x) => x.text)).toEqual(tokens.slice(0, k).map((x) => x.text));
  expect(branch.tokens![k]!.text).toBe(tokens[k]!.top![j]!.text);
  expect(branch.tokens![k]!.logprob).toBe(tokens[k]!.top![j]!.logprob);
  expect(branch.tokens).toHaveLength(k + 1);
  expect(loom.currentPath.at(-1)).toBe(made);
  expect(branch.chosenBy).toBe("human");
  const decision = Object.values(loom.decisions).find((d) => d.chosenNodeId === made)!;
  expect(decision.reason).toContain(`branched at token ${k}`);

  // Typed text at token 1, and the generator continues from the branch.
  const typed = await t.call("POST", `/api/sessions/alt/nodes/${nodeId}/branch`, { tokenIndex: 1, text: " blue" });
  expect(typed.status).toBe(200);
  expect((await loomOf("alt")).nodes[typed.body.nodeId]!.text).toBe(`${tokens[0]!.text} blue`);
  const next = await t.call("POST", "/api/sessions/alt/generate", {});
  expect(next.status).toBe(200);
  expect(next.body.open.candidateNodeIds.length).toBeGreaterThan(0);
});

test("a server started again on the sessions directory reads the branch back from the journal", async () => {
  const generatorFor = () => new ScriptedGenerator({ seed: 7, script: () => [" the old red door"] });
  const first = await startTestServer({ backendOptions: { generatorFor } });
  await first.call("POST", "/api/sessions", { seed: "She opened", sessionId: "kept" });
  const g = await first.call("POST", "/api/sessions/kept/generate", {});
  const nodeId = g.body.open.candidateNodeIds[0] as string;
  await first.call("POST", "/api/sessions/kept/choose", { decisionId: g.body.open.decisionId, nodeId });
  const r = await first.call("POST", `/api/sessions/kept/nodes/${nodeId}/branch`, { tokenIndex: 1, text: " shut" });
  expect(r.status).toBe(200);
  const before = (await first.call("GET", "/api/sessions/kept/export?format=json")).body.loom as ExportedLoom;
  await first.server.close();
  const again = await startTestServer({ sessionsDir: first.dir, backendOptions: { generatorFor } });
  try {
    const after = (await again.call("GET", "/api/sessions/kept/export?format=json")).body.loom as ExportedLoom;
    expect(after.nodes[r.body.nodeId]!.text).toBe(" the shut");
    expect(after.currentPath).toEqual(before.currentPath);
    expect(Object.keys(after.nodes).sort()).toEqual(Object.keys(before.nodes).sort());
  } finally {
    await again.stop();
    await rm(first.dir, { recursive: true, force: true });
  }
});

test("bad bodies are a 400 naming the field, an unknown node 404, and nothing changes", async () => {
  const { nodeId, tokens } = await oneStep("bad");
  const before = await loomOf("bad");
  const post = (body: unknown, node = nodeId) => t.call("POST", `/api/sessions/bad/nodes/${node}/branch`, body);

  const cases: [unknown, string, RegExp?][] = [
    [{ alternative: 0 }, "tokenIndex"],
    [{ tokenIndex: 1 }, "alternative"],
    [{ tokenIndex: 1, alternative: 0, text: "x" }, "alternative"],
    [{ tokenIndex: -1, alternative: 0 }, "tokenIndex"],
    [{ tokenIndex: 1, text: "" }, "text"],
    [{ tokenIndex: 1, alt: 0 }, "alt"],
    [{ tokenIndex: tokens.length, alternative: 0 }, "tokenIndex", /outside node/],
    [{ tokenIndex: 1, alternative: 99 }, "alternative", /alternative 99 does not exist/],
  ];
  for (const [body, field, message] of cases) {
    const r = await post(body);
    expect(r.status, JSON.stringify(body)).toBe(400);
    expect(r.body.error.field, JSON.stringify(body)).toBe(field);
    if (message) expect(r.body.error.message).toMatch(message);
  }
  // The alternative that is the token already there is refused too.
  const same = tokens[1]!.top!.findIndex((a) => a.text === tokens[1]!.text);
  if (same >= 0) expect((await post({ tokenIndex: 1, alternative: same })).body.error.field).toBe("alternative");

  const unknown = await post({ tokenIndex: 0, alternative: 0 }, "n_nosuch");
  expect(unknown.status).toBe(404);
  expect(unknown.body.error.code).toBe("unknown_node");
  const seed = before.currentPath[0]!;
  expect((await post({ tokenIndex: 0, text: "x" }, seed)).status).toBe(400);
  expect(await loomOf("bad")).toEqual(before);
});

test("while a selector runs the session, a branch is refused with 409 and changes nothing", async () => {
  await t.call("POST", "/api/sessions", { seed: "The storm", sessionId: "busy", selector: { mode: "stateless" } });
  const events = await subscribe(`${t.server.url}/api/sessions/busy/events`);
  expect((await t.call("POST", "/api/sessions/busy/run", {})).status).toBe(202);
  await events.waitFor((e) => e.event === "clarification-asked");
  const before = await loomOf("busy");
  const candidate = Object.keys(before.nodes).find((id) => before.nodes[id]!.tokens?.length)!;
  const r = await t.call("POST", `/api/sessions/busy/nodes/${candidate}/branch`, { tokenIndex: 0, text: " A" });
  expect(r.status).toBe(409);
  expect(r.body.error.code).toBe("session_running");
  expect(Object.keys((await loomOf("busy")).nodes)).toEqual(Object.keys(before.nodes));
  await t.call("POST", "/api/sessions/busy/run/cancel", {});
  events.close();
});
