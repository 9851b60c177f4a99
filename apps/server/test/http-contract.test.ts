// The HTTP contract as a client relies on it: OpenAPI documents every status the server answers, 405 says what is allowed, If-None-Match lists and `*`, plain 404s that show no server paths, no listener leak across many sessions.
import { afterAll, beforeAll, expect, test } from "vitest";
import { startTestServer, type TestServer } from "./helpers.js";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.stop());

test("OpenAPI documents every status, the bearer scheme, and limit / cursor as bounded integers", async () => {
  const { body: doc } = await t.call("GET", "/api/openapi.json");
  expect(doc.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
  expect(doc.security).toContainEqual({ bearer: [] });
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
    for (const [method, op] of Object.entries(ops)) {
      for (const status of ["401", "405", "421", "500"])
        expect(op.responses, `${method} ${path}`).toHaveProperty(status);
      expect(op.responses["405"].headers.allow).toBeDefined();
      if (method === "post") for (const status of ["403", "413", "415"]) expect(op.responses).toHaveProperty(status);
    }
  }
  const params = doc.paths["/api/sessions/{id}"].get.parameters as { name: string; schema: any }[];
  expect(params.find((p) => p.name === "limit")!.schema).toMatchObject({ type: "integer", minimum: 1, maximum: 5000 });
  expect(params.find((p) => p.name === "cursor")!.schema).toMatchObject({ type: "integer", minimum: 0 });
  expect(doc.paths["/api/sessions/{id}/stop"].post.responses).toHaveProperty("409");
});

test("405 carries Allow; If-None-Match takes a list and *; a node id like constructor is a plain 404; 404s name no server path", async () => {
  await t.call("POST", "/api/sessions", { sessionId: "contract", seed: "Once" });
  const res = await fetch(`${t.server.url}/api/sessions/contract/choose`, { method: "GET" });
  expect(res.status).toBe(405);
  expect(res.headers.get("allow")).toBe("POST");
  const first = await fetch(`${t.server.url}/api/sessions/contract`);
  const etag = first.headers.get("etag")!;
  for (const header of [`"other", ${etag}`, "*", etag.replace(/^W\//, "")]) {
    const again = await fetch(`${t.server.url}/api/sessions/contract`, { headers: { "if-none-match": header } });
    expect(again.status, header).toBe(304);
  }
  expect((await fetch(`${t.server.url}/api/sessions/contract`, { headers: { "if-none-match": '"x"' } })).status).toBe(
    200,
  );
  for (const id of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
    const node = await t.call("GET", `/api/sessions/contract/nodes/${id}`);
    expect(node.status, id).toBe(404);
    expect(node.body.error.code).toBe("unknown_node");
  }
  const missing = await t.call("GET", "/api/sessions/nothing-here");
  expect(missing.status).toBe(404);
  expect(JSON.stringify(missing.body)).not.toContain(t.dir);
  expect(missing.body.error.message).not.toMatch(/\/tmp|\/home|\/work/);
});

test("many sessions, each generated on and watched, leave no listener warning", async () => {
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
  process.on("warning", onWarning);
  try {
    for (let i = 0; i < 25; i++) {
      await t.call("POST", "/api/sessions", { sessionId: `many-${i}`, seed: `Seed ${i}` });
      const events = new AbortController();
      const stream = fetch(`${t.server.url}/api/sessions/many-${i}/events`, { signal: events.signal }).catch(
        () => null,
      );
      await t.call("POST", `/api/sessions/many-${i}/generate`, {});
      events.abort();
      await stream;
    }
    await new Promise((r) => setTimeout(r, 100));
  } finally {
    process.off("warning", onWarning);
  }
  expect(warnings.filter((w) => w.includes("MaxListeners"))).toEqual([]);
});
