// One model lookup for every command (demo, new, model path, serve), a hint naming every place looked, and set-up's download when none is found (a local server stands in for the hub).
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, MODEL, REPO, baseEnv, ensureBuilt, loom, scratch } from "./helpers.js";

let http: Server;
let base = "";
let hits = 0;

beforeAll(async () => {
  ensureBuilt();
  const model = readFileSync(MODEL);
  const damaged = Buffer.from(model);
  const middle = damaged.length >> 1;
  damaged[middle] = (damaged[middle] ?? 0) ^ 0xff; // still a GGUF file, one byte different
  http = createServer((req, res) => {
    hits++;
    const body = req.url === "/stories260K.gguf" ? model : req.url === "/damaged/stories260K.gguf" ? damaged : null;
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { "content-length": String(body.length) });
    res.end(body);
  });
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
});
afterAll(() => new Promise((r) => http.close(r)));

/** Starts `loom serve`, stops it with Ctrl-C once it listens, and returns what it said on stderr (a missing model is a warning there). */
async function serveOnce(dir: string, env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, [BIN, "serve", "--port", "0", "--dir", join(dir, "sessions")], {
    env: { ...baseEnv(dir), ...env },
  });
  let err = "";
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  await new Promise<void>((resolve) =>
    child.stdout.on("data", (d: Buffer) => d.toString().includes("loom server on") && resolve()),
  );
  child.kill("SIGINT");
  await new Promise((r) => child.on("close", r));
  return err;
}

/** A clone somewhere else: no ../shared (an empty shared-models directory stands for it), an empty cache. */
function elsewhere() {
  const dir = scratch();
  mkdirSync(join(dir, "no-shared"));
  return { dir, env: { LOOM_SHARED_MODELS_DIR: join(dir, "no-shared") } };
}

describe("one lookup", () => {
  it("with no model anywhere, demo, new, model path and serve fail alike, listing every place looked", async () => {
    const { dir, env } = elsewhere();
    const runs = await Promise.all([
      loom(["demo", "--steps", "1"], { dir, env }),
      loom(["new", "--seed", "x", "--dir", join(dir, "s")], { dir, env }),
      loom(["model", "path"], { dir, env }),
    ]);
    const serve = await serveOnce(dir, env);
    for (const r of [...runs, { code: 1, stderr: serve }]) {
      expect(r.code, r.stderr).toBe(1);
      for (const place of [
        "--model (not given)",
        "LOOM_MODEL (not set)",
        join(dir, "cache", "models"),
        join(dir, "no-shared", "stories260K.gguf"),
      ]) {
        expect(r.stderr).toContain(place);
      }
      expect(r.stderr).toContain("loom model pull");
    }
  });

  it("a checkout's shared model is found the same way by demo, new, model path and serve", async () => {
    const dir = scratch();
    const shared = join(dir, "shared-models");
    mkdirSync(shared);
    copyFileSync(MODEL, join(shared, "stories260K.gguf"));
    const env = { LOOM_SHARED_MODELS_DIR: shared };
    const path = await loom(["model", "path", "--json"], { dir, env });
    expect(JSON.parse(path.stdout)).toMatchObject({ path: join(shared, "stories260K.gguf"), source: "checkout" });
    const created = await loom(["new", "--seed", "x", "--dir", join(dir, "s"), "--json"], { dir, env });
    expect(JSON.parse(created.stdout).config.generator.model).toBe(join(shared, "stories260K.gguf"));
    const demo = await loom(["demo", "--steps", "1", "--json"], { dir, env });
    expect(demo.code, demo.stderr).toBe(0);
    expect(await serveOnce(dir, env)).not.toContain("no model");
  }, 90_000);
});

describe("set-up's download", () => {
  it("model pull --if-missing downloads the default model, checksum verified, only when none is found", async () => {
    const { dir, env } = elsewhere();
    const before = hits;
    const pulled = await loom(["model", "pull", "--if-missing", "--json"], {
      dir,
      env: { ...env, LOOM_MODEL_URL: `${base}/stories260K.gguf` },
    });
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(pulled.stderr).toContain("no model found");
    expect(pulled.stderr).toMatch(/100%/);
    expect(JSON.parse(pulled.stdout)).toMatchObject({
      downloaded: true,
      sha256: "270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d",
    });
    expect(hits).toBe(before + 1);
    const again = await loom(["model", "pull", "--if-missing", "--json"], {
      dir,
      env: { ...env, LOOM_MODEL_URL: `${base}/stories260K.gguf` },
    });
    expect(JSON.parse(again.stdout)).toMatchObject({ downloaded: false, source: "cache" });
    expect(hits).toBe(before + 1);
  });

  it("a download whose checksum does not match is not kept", async () => {
    const { dir, env } = elsewhere();
    const r = await loom(["model", "pull"], {
      dir,
      env: { ...env, LOOM_MODEL_URL: `${base}/damaged/stories260K.gguf` },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("checksum mismatch");
    expect(existsSync(join(dir, "cache", "models", "stories260K.gguf"))).toBe(false);
  });

  it("scripts/setup.sh runs the download step", () => {
    expect(readFileSync(join(REPO, "scripts", "setup.sh"), "utf8")).toMatch(/model pull --if-missing/);
  });
});

describe("running from a checkout", () => {
  it("`pnpm loom` runs the built CLI from the repository root, and a symlink on PATH runs it by name", () => {
    const viaPnpm = spawnSync("pnpm", ["--silent", "loom", "--version"], { cwd: REPO, encoding: "utf8" });
    expect(viaPnpm.status, viaPnpm.stderr).toBe(0);
    expect(viaPnpm.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const bin = scratch();
    symlinkSync(BIN, join(bin, "loom"));
    const byName = spawnSync("bash", ["-c", "loom --help"], {
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
      encoding: "utf8",
    });
    expect(byName.status).toBe(0);
    expect(byName.stdout).toContain("loom new --seed");
  });
});
