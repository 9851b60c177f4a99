// Memory, author's note and sampling controls over real HTTP: read, changed (journaled), in the generator's request, refused where it cannot honour them.
import { join } from "node:path";
import { readSession } from "@loom/io";
import { ScriptedGenerator } from "@loom/generators/test";
import { afterAll, beforeAll, expect, test } from "vitest";
import { startTestServer, type TestServer } from "./helpers.js";

let t: TestServer;
/** Each session's generator, to read what it was asked (its `calls`). */
const generators = new Map<string, ScriptedGenerator>();
beforeAll(async () => {
  t = await startTestServer({
    backendOptions: {
      generatorFor: (loom) => {
        // A session named "strict*" gets a generator that takes no optional sampling control.
        const g = new ScriptedGenerator({
          seed: 7,
          ...(loom.sessionId.startsWith("strict") ? { capabilities: { samplingControls: [] } } : {}),
        });
        generators.set(loom.sessionId, g);
        return g;
      },
    },
  });
});
afterAll(() => t.stop());

async function step(id: string): Promise<void> {
  const g = await t.call("POST", `/api/sessions/${id}/generate`, {});
  expect(g.status, JSON.stringify(g.body)).toBe(200);
  await t.call("POST", `/api/sessions/${id}/choose`, {
    decisionId: g.body.open.decisionId,
    nodeId: g.body.open.candidateNodeIds[0],
  });
}

test("PUT …/generation saves memory, note and controls (journaled); the generator is asked with them in place", async () => {
  const id = (await t.call("POST", "/api/sessions", { seed: "The lamp burned", sessionId: "notes" })).body.id as string;
  const before = await t.call("GET", `/api/sessions/${id}/generation`);
  expect(before.body).toMatchObject({ memory: "", authorsNote: "", authorsNoteDepth: 3, stop: [], topK: null });
  await step(id);

  const settings = {
    memory: "A lighthouse story.",
    authorsNote: "Keep it cold.",
    authorsNoteDepth: 1,
    topK: 4,
    stop: ["\n\n"],
  };
  const put = await t.call("PUT", `/api/sessions/${id}/generation`, settings);
  expect(put.status, JSON.stringify(put.body)).toBe(200);
  expect((await t.call("GET", `/api/sessions/${id}/generation`)).body).toMatchObject(settings);
  // On disk: a reader of the session directory sees the change (it went through the journal).
  expect((await readSession(join(t.dir, id))).loom.config.generator).toMatchObject(settings);

  await step(id);
  const calls = generators.get(id)!.calls;
  const last = calls.at(-1)!;
  const loom = (await t.call("GET", `/api/sessions/${id}/export?format=json`)).body.loom;
  const first = loom.nodes[loom.currentPath[1]].text as string;
  expect(last.prompt).toBe(`A lighthouse story.\n\nThe lamp burned\n[Author's note: Keep it cold.]\n${first}`);
  expect(last).toMatchObject({ topK: 4, stop: ["\n\n"] });
  expect(calls[0]!.prompt).toBe("The lamp burned");
  const tip = loom.nodes[loom.currentPath.at(-1)];
  expect(tip.meta.promptContext).toEqual({
    memory: "A lighthouse story.",
    authorsNote: "Keep it cold.",
    authorsNoteDepth: 1,
  });
});

test("a subtree note stands in for the session's note in prompts below its node, and is recorded; a note for no node is refused", async () => {
  const id = (await t.call("POST", "/api/sessions", { seed: "The tide", sessionId: "subtree" })).body.id as string;
  await step(id);
  await t.call("PUT", `/api/sessions/${id}/generation`, { authorsNote: "Keep it cold.", authorsNoteDepth: 1 });
  let loom = (await t.call("GET", `/api/sessions/${id}/export?format=json`)).body.loom;
  const first = loom.currentPath[1] as string;
  // A sibling of the chosen node: its subtree keeps the session's note.
  const sibling = (loom.decisions[loom.nodes[first].decisionId].candidateNodeIds as string[]).find((n) => n !== first)!;
  const put = await t.call("PUT", `/api/sessions/${id}/generation`, { subtreeNotes: { [first]: "Now it is spring." } });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
  expect((await t.call("GET", `/api/sessions/${id}/generation`)).body.subtreeNotes).toEqual({
    [first]: "Now it is spring.",
  });

  await step(id);
  const calls = generators.get(id)!.calls;
  expect(calls.at(-1)!.prompt).toBe(`The tide\n[Author's note: Now it is spring.]\n${loom.nodes[first].text}`);
  loom = (await t.call("GET", `/api/sessions/${id}/export?format=json`)).body.loom;
  expect(loom.nodes[loom.currentPath.at(-1)].meta.promptContext).toEqual({
    authorsNote: "Now it is spring.",
    authorsNoteDepth: 1,
    authorsNoteFrom: first,
  });
  // Below the sibling the session's note applies again.
  await t.call("POST", `/api/sessions/${id}/checkout`, { nodeId: sibling });
  await t.call("POST", `/api/sessions/${id}/generate`, {});
  expect(calls.at(-1)!.prompt).toBe(`The tide\n[Author's note: Keep it cold.]\n${loom.nodes[sibling].text}`);

  const bad = await t.call("PUT", `/api/sessions/${id}/generation`, { subtreeNotes: { nowhere: "x" } });
  expect(bad.status).toBe(400);
  expect(bad.body.error.field).toBe("subtreeNotes.nowhere");
  expect((await t.call("GET", `/api/sessions/${id}/generation`)).body.subtreeNotes).toEqual({
    [first]: "Now it is spring.",
  });
});

test("bad settings are refused naming the field, and provider or model cannot be changed; nothing changes", async () => {
  const id = (await t.call("POST", "/api/sessions", { seed: "x", sessionId: "bad" })).body.id as string;
  const negative = await t.call("PUT", `/api/sessions/${id}/generation`, { topK: -1 });
  expect(negative.status).toBe(400);
  expect(JSON.stringify(negative.body)).toContain("topK");
  const blank = await t.call("PUT", `/api/sessions/${id}/generation`, { stop: [""] });
  expect(blank.status).toBe(400);
  expect(JSON.stringify(blank.body)).toContain("may not be empty");
  const provider = await t.call("PUT", `/api/sessions/${id}/generation`, { provider: "openai", memory: "m" });
  expect(provider.status).toBe(400);
  expect((await t.call("GET", `/api/sessions/${id}/generation`)).body).toMatchObject({ memory: "", topK: null });
});

test("a control the session's generator cannot honour is refused by name when it generates; nothing is added", async () => {
  const id = (await t.call("POST", "/api/sessions", { seed: "x", sessionId: "strict1" })).body.id as string;
  expect((await t.call("PUT", `/api/sessions/${id}/generation`, { minP: 0.1 })).status).toBe(200);
  const g = await t.call("POST", `/api/sessions/${id}/generate`, {});
  expect(g.status).toBeGreaterThanOrEqual(400);
  expect(JSON.stringify(g.body)).toMatch(/cannot honour minP/);
  const loom = (await t.call("GET", `/api/sessions/${id}/export?format=json`)).body.loom;
  expect(Object.keys(loom.nodes)).toHaveLength(1);
});

test("presets by name: the server's own beside the built-ins, on a new session and on PUT …/generation; unknown names refused", async () => {
  const s = await startTestServer({ presets: { night: { temperature: 0.5, branchingFactor: 2 } } });
  try {
    expect((await s.call("GET", "/api/options")).body.presets).toEqual(["default", "stable", "night"]);
    const made = await s.call("POST", "/api/sessions", { seed: "x", preset: "night" });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const id = made.body.id as string;
    expect((await s.call("GET", `/api/sessions/${id}/generation`)).body).toMatchObject({
      temperature: 0.5,
      branchingFactor: 2,
      presets: ["default", "stable", "night"],
    });
    const g = await s.call("POST", `/api/sessions/${id}/generate`, {});
    expect(g.body.open.candidateNodeIds).toHaveLength(2);

    const put = await s.call("PUT", `/api/sessions/${id}/generation`, { preset: "stable", memory: "m" });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect((await s.call("GET", `/api/sessions/${id}/generation`)).body).toMatchObject({
      temperature: 0.85,
      branchingFactor: 4,
      memory: "m",
    });
    const unknown = await s.call("PUT", `/api/sessions/${id}/generation`, { preset: "dawn" });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ field: "preset" });
    const badNew = await s.call("POST", "/api/sessions", { seed: "x", preset: "dawn" });
    expect(badNew.status).toBe(400);
    expect(badNew.body.error.message).toContain('no preset "dawn"');
  } finally {
    await s.stop();
  }
});
