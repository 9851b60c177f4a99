// The CLI against a PostgreSQL that takes TCP over TLS only, with client certificates, named by libpq's URL parameters (sslmode, sslrootcert, sslcert, sslkey) as hosted services hand them out.
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { addCandidates, choose, createLoom, sequentialEnv } from "@loom/core";
import { createSession } from "@loom/io";
import {
  OPENAI_COMPLETIONS_RULES,
  openaiCompletionReply,
  startStrictReplayServer,
  type StrictReplayServer,
} from "@loom/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTlsCluster, type TlsCluster } from "../../../packages/store-postgres/src/test-support/tls-cluster.js";
import { ensureBuilt, loom, scratch, sweepPlan } from "./helpers.js";

let cluster: TlsCluster;
let port = "";
let dir: string;

beforeAll(async () => {
  ensureBuilt();
  cluster = startTlsCluster();
  port = cluster.port;
  dir = scratch("loom-pg-tls-");
  const env = sequentialEnv();
  const s = await createSession(join(dir, "story"), createLoom({ seed: "The ferry", sessionId: "story" }, env));
  for (let i = 0; i < 5; i++) {
    const tip = s.loom.currentPath.at(-1)!;
    const { decisionId, nodeIds } = s.mutate((l) =>
      addCandidates(l, tip, [{ text: ` left${i}` }, { text: ` stayed${i}` }], { env }),
    );
    s.mutate((l) => choose(l, decisionId, nodeIds[i % 2]!, "human", `step ${i}`, env));
  }
  await s.close();
}, 240_000);

afterAll(() => {
  cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("loom with a PostgreSQL URL that asks for verified TLS", () => {
  const tls = () => cluster.tls;
  const url = (query: string) => `postgres://loom@localhost:${port}/loom_test?${query}`;

  it("migrates a session in and shows it back", async () => {
    const to = url(
      `sslmode=verify-full&sslrootcert=${tls()}/ca.crt&sslcert=${tls()}/client.crt&sslkey=${tls()}/client.key`,
    );
    const into = await loom(["migrate", "--from", "story", "--to", to], { dir });
    expect(into.stderr).toBe("");
    expect(into.code).toBe(0);
    const shown = await loom(["show", `${to}#story`, "--json"], { dir });
    expect(shown.stderr).toBe("");
    expect(JSON.parse(shown.stdout).text).toBe("The ferry left0 stayed1 left2 stayed3 left4");
  });

  it("takes TLS from libpq's environment when the URL names none, as psql does", async () => {
    const env = {
      PGSSLMODE: "verify-full",
      PGSSLROOTCERT: `${tls()}/ca.crt`,
      PGSSLCERT: `${tls()}/client.crt`,
      PGSSLKEY: `${tls()}/client.key`,
    };
    const shown = await loom(["show", `postgres://loom@localhost:${port}/loom_test#story`, "--json"], { dir, env });
    expect(shown.stderr).toBe("");
    expect(JSON.parse(shown.stdout).text).toBe("The ferry left0 stayed1 left2 stayed3 left4");
    // A file the environment names and cannot be read is named with its variable.
    const missing = await loom(["show", `postgres://loom@localhost:${port}/loom_test#story`], {
      dir,
      env: { ...env, PGSSLROOTCERT: "/nonexistent/root.crt" },
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("the PGSSLROOTCERT environment variable names (/nonexistent/root.crt)");
  });

  it("runs a sweep end to end: its tables, its job queue and its sessions all over verified TLS", async () => {
    const server: StrictReplayServer = await startStrictReplayServer(OPENAI_COMPLETIONS_RULES);
    let n = 0;
    server.setFallback((request) => openaiCompletionReply(request, ++n));
    try {
      const plan = join(dir, "tls-sweep.toml");
      writeFileSync(
        plan,
        sweepPlan({ name: "sealed", baseUrl: server.url, seeds: [1, 2], maxSteps: 2, branchingFactor: 2 }),
      );
      const store = url(
        `sslmode=verify-full&sslrootcert=${tls()}/ca.crt&sslcert=${tls()}/client.crt&sslkey=${tls()}/client.key`,
      );
      const env = { LOOM_CUSTOM_API_KEY: "sk-test" };
      const made = await loom(["sweep", plan, "--store", store, "--json"], { dir, env });
      expect(made.code, made.stderr).toBe(0);
      expect(JSON.parse(made.stdout)).toMatchObject({ name: "sealed", sessions: 2 });
      const worker = await loom(["worker", "--store", store, "--exit-when-idle"], { dir, env, timeoutMs: 90_000 });
      expect(worker.code, worker.stderr).toBe(0);
      const status = await loom(["sweep", "status", "sealed", "--store", store, "--json"], { dir });
      expect(JSON.parse(status.stdout).counts).toEqual({ done: 2 });
      const shown = await loom(["show", `${store}#sealed:fox:davinci:favourite:s2:r1`, "--json"], { dir });
      expect(shown.stderr).toBe("");
      expect(JSON.parse(shown.stdout).text).toMatch(/^Once upon a time( \w+){4}$/);
      expect(n).toBeGreaterThanOrEqual(4);
    } finally {
      await server.close();
    }
  }, 150_000);

  it("names the parameter and the file it cannot read, and a server it cannot trust", async () => {
    const missing = await loom(["show", `${url("sslmode=verify-full&sslrootcert=/nonexistent/ca.crt")}#story`], {
      dir,
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("sslrootcert parameter names (/nonexistent/ca.crt)");
    const other = url(
      `sslmode=verify-full&sslrootcert=${tls()}/other-ca.crt&sslcert=${tls()}/client.crt&sslkey=${tls()}/client.key&sslpassword=topsecret`,
    );
    const untrusted = await loom(["show", `${other}#story`], { dir });
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toMatch(
      /cannot use PostgreSQL at postgres:\/\/loom@localhost:\d+\/loom_test.*certificate/,
    );
    // The key's passphrase is kept out of the message, as a password is.
    expect(untrusted.stderr).toContain("sslpassword=");
    expect(untrusted.stderr).not.toContain("topsecret");
  });
});
