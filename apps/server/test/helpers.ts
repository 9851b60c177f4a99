// Shared test setup: a server on loopback with a temp sessions directory, and a JSON client for it.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Loom } from "@loom/core";
import { ScriptedGenerator } from "@loom/generators/test";
import { createScriptedSelector } from "@loom/selectors";
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

/** Sessions with an LLM selector get one that asks a clarification about the first two candidates and waits; human sessions none. */
export function clarifyingSelectorFor(loom: Loom) {
  return loom.config.selector.mode === "human"
    ? null
    : createScriptedSelector([
        (ctx) => ({
          action: "clarify",
          question: "Which way?",
          candidatesInTension: [ctx.candidates[0]!.id, ctx.candidates[1]!.id],
          whatHingesOnIt: "the ending",
        }),
      ]);
}
