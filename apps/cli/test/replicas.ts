// Server replicas for tests: `loom serve --store` as real processes, and the few HTTP calls the replica tests make.
import { type ChildProcess, spawn } from "node:child_process";
import { expect } from "vitest";
import { BIN, baseEnv, MODEL } from "./helpers.js";

export interface Replica {
  url: string;
  child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  output: () => string;
}

/** Start `loom serve --store dsn` on a free port (working in `dir`) and wait for the address it prints. */
export function startReplica(dsn: string, dir: string): Promise<Replica> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, "serve", "--store", dsn, "--port", "0", "--model", MODEL, "--json"], {
      cwd: dir,
      env: baseEnv(dir),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    const output = () => out;
    const timer = setTimeout(() => reject(new Error(`the replica did not start:\n${out}`)), 120_000);
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line) {
        clearTimeout(timer);
        resolve({ url: (JSON.parse(line) as { url: string }).url, child, output });
      }
    });
    child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", (code) => reject(new Error(`the replica exited with ${code}:\n${out}`)));
  });
}

/** One JSON request to a server at `r.url`. */
export async function call(r: { url: string }, method: string, path: string, body?: unknown) {
  const res = await fetch(`${r.url}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: a JSON reply read field by field in assertions
  return { status: res.status, body: (await res.json()) as any };
}

/** A new session through server `r`: three 4-token candidates a step. */
export async function newSession(r: { url: string }, sessionId: string, extra: Record<string, unknown> = {}) {
  const made = await call(r, "POST", "/api/sessions", {
    seed: "Once upon a time",
    sessionId,
    generator: { branchingFactor: 3, segmentTokens: 4 },
    ...extra,
  });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
}

/** Candidates at the tip through server `r`: the open decision's id and candidate ids. */
export async function generate(
  r: { url: string },
  id: string,
): Promise<{ decisionId: string; candidateNodeIds: string[] }> {
  const res = await call(r, "POST", `/api/sessions/${id}/generate`, {});
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.open;
}
