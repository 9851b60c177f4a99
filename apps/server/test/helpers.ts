// Shared test setup: a server on loopback with a temp sessions directory, and a JSON client for it.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ScriptedGenerator } from "@loom/generators/test";
import { startServer, type LoomServer, type StartServerOptions } from "../src/index.js";

export interface TestServer {
  server: LoomServer;
  dir: string;
  call<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

export async function startTestServer(options: Partial<StartServerOptions> = {}): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), "loom-server-test-"));
  const server = await startServer({
    port: 0,
    sessionsDir: dir,
    log: () => {},
    backendOptions: { generatorFor: () => new ScriptedGenerator({ seed: 7 }) },
    ...options,
  });
  return {
    server,
    dir,
    async call(method, path, body, headers = {}) {
      const res = await fetch(server.url + path, {
        method,
        headers: { ...(method !== "GET" ? { "content-type": "application/json" } : {}), ...headers },
        ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return {
        status: res.status,
        body: text && res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text,
      };
    },
    async stop() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
