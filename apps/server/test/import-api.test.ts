// POST /api/sessions/import over real HTTP: each tool's file becomes sessions (a Loomsidian vault one per note); an unknown or damaged file is a 400 naming the field, and nothing is created.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { REPO } from "./browser.js";
import { startTestServer, type TestServer } from "./helpers.js";

const fixture = (name: string) => readFileSync(join(REPO, "packages/io/src/__fixtures__/foreign", name), "utf8");

let t: TestServer;
beforeAll(async () => {
  // The server's default limits: 1 MiB for other bodies, 64 MiB for an imported file.
  t = await startTestServer();
});
afterAll(() => t.stop());

const count = async () => (await t.call("GET", "/api/sessions")).body.sessions.length as number;

test("each tool's file is detected and becomes a session with every node", async () => {
  for (const [name, format, nodes] of [
    ["pyloom-lighthouse.json", "pyloom", 9],
    ["miniloom-harbor.json", "miniloom", 14],
    ["tapestry-harbor.json", "tapestry", 9],
    ["exoloom-export.json", "exoloom", 4],
  ] as const) {
    const r = await t.call("POST", "/api/sessions/import", { text: fixture(name), fileName: name });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.format).toBe(format);
    expect(r.body.sessions).toHaveLength(1);
    const { id } = r.body.sessions[0];
    expect(r.body.sessions[0].nodes).toBe(nodes);
    const page = await t.call("GET", `/api/sessions/${id}?limit=1`);
    expect(page.status).toBe(200);
    expect(page.body.text.length).toBeGreaterThan(0);
  }
});

test("a Loomsidian vault gives one session per note; --note's field picks one", async () => {
  const all = await t.call("POST", "/api/sessions/import", {
    text: fixture("loomsidian-vault.json"),
    fileName: "data.json",
  });
  expect(all.status).toBe(201);
  expect(all.body.sessions.map((s: { note: string }) => s.note)).toEqual([
    "Stories/Lighthouse.md",
    "Drafts/Two roots.md",
  ]);
  const one = await t.call("POST", "/api/sessions/import", {
    text: fixture("loomsidian-vault.json"),
    fileName: "data.json",
    format: "loomsidian",
    note: "Drafts/Two roots.md",
  });
  expect(one.status).toBe(201);
  expect(one.body.sessions).toHaveLength(1);
});

test("an unknown file and a damaged one are 400s naming what was checked or the field; nothing is created", async () => {
  const before = await count();
  const odd = await t.call("POST", "/api/sessions/import", { text: '{"hello": 1}', fileName: "odd.json" });
  expect(odd.status).toBe(400);
  expect(odd.body.error.code).toBe("bad_import");
  for (const f of ["pyloom", "loomsidian", "miniloom", "tapestry", "exoloom"])
    expect(odd.body.error.message).toContain(f);
  const doc = JSON.parse(fixture("miniloom-harbor.json"));
  doc.focus.id = "404";
  const bad = await t.call("POST", "/api/sessions/import", { text: JSON.stringify(doc), fileName: "harbor.json" });
  expect(bad.status).toBe(400);
  expect(bad.body.error.field).toBe("focus.id");
  expect(bad.body.error.message).toContain("harbor.json");
  const wrongFormat = await t.call("POST", "/api/sessions/import", { text: "{}", fileName: "x.json", format: "nope" });
  expect(wrongFormat.status).toBe(400);
  expect(wrongFormat.body.error.field).toBe("format");
  expect(await count()).toBe(before);
});

test("an imported Loom export runs on the server's own settings, not the providers or base URLs the file names", async () => {
  await t.call("POST", "/api/sessions", { sessionId: "origin", seed: "The tide" });
  const exported = await t.call("GET", "/api/sessions/origin/export?format=json");
  const doc = typeof exported.body === "string" ? JSON.parse(exported.body) : exported.body;
  doc.loom.sessionId = "copied";
  doc.loom.config.generator = {
    ...doc.loom.config.generator,
    provider: "openai",
    baseUrl: "http://attacker.invalid/v1",
  };
  const r = await t.call("POST", "/api/sessions/import", { text: JSON.stringify(doc), fileName: "origin.json" });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  expect(r.body.format).toBe("loom-export");
  const page = await t.call("GET", "/api/sessions/copied?limit=1");
  expect(page.body.config.generator.provider).not.toBe("openai");
  expect(JSON.stringify(page.body.config)).not.toContain("attacker.invalid");
  expect(page.body.text).toBe("The tide");
});

test("a loom file past the 1 MiB body limit imports (its own limit, maxImportBytes); other routes keep 1 MiB", async () => {
  // The large Tapestry fixture (a 600-node weave with token probabilities) is over 1 MiB once sent as a JSON string.
  const text = fixture("tapestry-large.json");
  const body = { text, fileName: "weave.json" };
  expect(Buffer.byteLength(JSON.stringify(body))).toBeGreaterThan(1024 * 1024);
  const r = await t.call("POST", "/api/sessions/import", body);
  expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(201);
  expect(r.body.format).toBe("tapestry");
  expect(r.body.sessions[0].nodes).toBeGreaterThanOrEqual(500);
  const seed = await t.call("POST", "/api/sessions", { seed: "x".repeat(1024 * 1024 + 10) });
  expect(seed.status).toBe(413);
  expect(seed.body.error.message).toContain("maxBodyBytes");

  const small = await startTestServer({ maxImportBytes: 256 * 1024 });
  try {
    const refused = await small.call("POST", "/api/sessions/import", body);
    expect(refused.status).toBe(413);
    expect(refused.body.error.code).toBe("body_too_large");
    expect(refused.body.error.message).toContain("maxImportBytes");
    expect((await small.call("GET", "/api/sessions")).body.sessions).toHaveLength(0);
  } finally {
    await small.stop();
  }
});

test("a binary .tapestry weave sent as base64 becomes the same session as its JSON form; damage is a 400 naming the byte", async () => {
  const bytes = readFileSync(join(REPO, "packages/io/src/__fixtures__/foreign/tapestry-harbor.tapestry"));
  const bin = await t.call("POST", "/api/sessions/import", {
    base64: bytes.toString("base64"),
    fileName: "harbor.tapestry",
  });
  expect(bin.status, JSON.stringify(bin.body)).toBe(201);
  expect(bin.body.format).toBe("tapestry-binary");
  const json = await t.call("POST", "/api/sessions/import", {
    text: fixture("tapestry-harbor.json"),
    fileName: "harbor.json",
  });
  expect(bin.body.sessions[0].nodes).toBe(json.body.sessions[0].nodes);
  const [a, b] = await Promise.all(
    [bin, json].map((r) => t.call("GET", `/api/sessions/${r.body.sessions[0].id}?limit=1`)),
  );
  expect(a!.body.text).toBe(b!.body.text);

  const before = await count();
  const cut = await t.call("POST", "/api/sessions/import", {
    base64: bytes.subarray(0, bytes.length - 40).toString("base64"),
    fileName: "cut.tapestry",
  });
  expect(cut.status).toBe(400);
  expect(cut.body.error.code).toBe("bad_import");
  expect(cut.body.error.field).toMatch(/\(byte \d+\)$/);
  expect(cut.body.error.message).toContain("cut.tapestry");
  const both = await t.call("POST", "/api/sessions/import", { text: "{}", base64: "", fileName: "x.tapestry" });
  expect(both.status).toBe(400);
  expect(both.body.error.field).toBe("text");
  const asText = await t.call("POST", "/api/sessions/import", {
    text: bytes.toString("latin1"),
    fileName: "harbor.tapestry",
  });
  expect(asText.status).toBe(400);
  expect(asText.body.error.message).toContain("base64");
  expect(await count()).toBe(before);
});

test("the .tapestry file Tapestry Loom saves today (format 1) uploads as base64: named, same tree as its JSON, damage writes nothing", async () => {
  const bytes = readFileSync(join(REPO, "packages/io/src/__fixtures__/foreign/tapestry-v1-harbor.tapestry"));
  const bin = await t.call("POST", "/api/sessions/import", {
    base64: bytes.toString("base64"),
    fileName: "harbor.tapestry",
  });
  expect(bin.status, JSON.stringify(bin.body)).toBe(201);
  expect(bin.body.format).toBe("tapestry-binary-v1");
  expect(bin.body.sessions[0].nodes).toBe(10);
  const json = await t.call("POST", "/api/sessions/import", {
    text: fixture("tapestry-v1-harbor.weave.json"),
    fileName: "harbor.json",
  });
  expect(json.status, JSON.stringify(json.body)).toBe(201);
  expect(json.body.format).toBe("tapestry");
  const [a, b] = await Promise.all(
    [bin, json].map((r) => t.call("GET", `/api/sessions/${r.body.sessions[0].id}?limit=1`)),
  );
  expect(a!.body.text).toBe(b!.body.text);

  const before = await count();
  const damaged = Buffer.from(bytes);
  damaged.writeBigUInt64LE(7n, 24);
  const bad = await t.call("POST", "/api/sessions/import", {
    base64: damaged.toString("base64"),
    fileName: "v7.tapestry",
  });
  expect(bad.status).toBe(400);
  expect(bad.body.error.code).toBe("bad_import");
  expect(bad.body.error.field).toBe("(header) format version");
  expect(bad.body.error.message).toContain("v7.tapestry");
  expect(await count()).toBe(before);
});
