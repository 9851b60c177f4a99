// `loom model pull` and `loom model path`: offline failure with a hint, an idle timeout, a real download from a local server.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MODEL, ensureBuilt, loom, scratch } from "./helpers.js";

let http: Server;
let silent: TcpServer;
const sockets: Socket[] = [];
let base = "";
let silentUrl = "";

beforeAll(async () => {
  ensureBuilt();
  const model = readFileSync(MODEL);
  http = createServer((req, res) => {
    if (req.url === "/stories260K.gguf") {
      res.writeHead(200, { "content-length": String(model.length), "content-type": "application/octet-stream" });
      // In pieces, so progress has something to report.
      let off = 0;
      const push = () => {
        if (off >= model.length) return res.end();
        res.write(model.subarray(off, off + 256 * 1024));
        off += 256 * 1024;
        setImmediate(push);
      };
      push();
    } else if (req.url === "/login") {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html>please log in</html>");
    } else {
      res.writeHead(404);
      res.end("not found");
    }
  });
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
  // Accepts connections and never answers: what a black-holed network looks like.
  silent = createTcpServer((s) => sockets.push(s));
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
  silentUrl = `http://127.0.0.1:${(silent.address() as { port: number }).port}/stories260K.gguf`;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => silent.close(r));
  await new Promise((r) => http.close(r));
});

describe("loom model pull", () => {
  it("fails cleanly without network, with a hint to set LOOM_MODEL", async () => {
    const dir = scratch();
    const started = Date.now();
    const r = await loom(["model", "pull"], {
      dir,
      env: { LOOM_MODEL_URL: "http://127.0.0.1:9/stories260K.gguf", LOOM_FETCH_TIMEOUT_MS: "2000" },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("could not download");
    expect(r.stderr).toContain("LOOM_MODEL");
    expect(r.stderr).not.toContain("internal error");
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(existsSync(join(dir, "cache", "models", "stories260K.gguf"))).toBe(false);
  });

  it("gives up on a server that never answers after the idle timeout", async () => {
    const dir = scratch();
    const started = Date.now();
    const r = await loom(["model", "pull"], { dir, env: { LOOM_MODEL_URL: silentUrl, LOOM_FETCH_TIMEOUT_MS: "400" } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no data for 400 ms");
    expect(r.stderr).toContain("LOOM_MODEL");
    expect(Date.now() - started).toBeLessThan(8_000);
  });

  it("rejects a response that is not a GGUF file and leaves nothing behind", async () => {
    const dir = scratch();
    const r = await loom(["model", "pull", "--url", `${base}/login`], { dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("did not return a GGUF file");
    const models = join(dir, "cache", "models");
    expect(existsSync(models) ? readdirSync(models) : []).toEqual([]);
  });

  it("names the HTTP status of a failed download", async () => {
    const dir = scratch();
    const r = await loom(["model", "pull", "--url", `${base}/missing.gguf`], { dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("HTTP 404");
  });

  it("downloads into the cache, where the local engine then finds it", async () => {
    const dir = scratch();
    const r = await loom(["model", "pull", "--json"], { dir, env: { LOOM_MODEL_URL: `${base}/stories260K.gguf` } });
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { path: string; bytes: number };
    expect(result.path).toBe(join(dir, "cache", "models", "stories260K.gguf"));
    const sha = createHash("sha256").update(readFileSync(result.path)).digest("hex");
    expect(sha).toBe("270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d");
    expect(r.stderr).toMatch(/100%/);
    const path = await loom(["model", "path", "--json"], { dir });
    expect(JSON.parse(path.stdout)).toMatchObject({ path: result.path, source: "cache" });
  });
});

describe("loom model path", () => {
  it("prefers --model over LOOM_MODEL, and explains an empty cache", async () => {
    const dir = scratch();
    const fromEnv = await loom(["model", "path", "--json"], { dir, env: { LOOM_MODEL: MODEL } });
    expect(JSON.parse(fromEnv.stdout)).toMatchObject({ path: MODEL, source: "LOOM_MODEL" });
    // As a clone without ../shared would be: an empty shared-models directory.
    const none = await loom(["model", "path"], { dir, env: { LOOM_SHARED_MODELS_DIR: join(dir, "cache") } });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("LOOM_MODEL");
    expect(none.stderr).toContain("loom model pull");
    const bad = await loom(["model", "path"], { dir, env: { LOOM_MODEL: join(dir, "gone.gguf") } });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("LOOM_MODEL");
    expect(bad.stderr).toContain("gone.gguf");
  });
});
