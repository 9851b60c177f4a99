// The sweep's queue (pg-boss, on node-postgres) reaches the database a URL names as the sweep's tables (postgres.js)
// do: the same TLS, socket and server settings, against a real PostgreSQL that takes TCP over TLS with client
// certificates only. Given the URL itself, node-postgres verified `sslmode=require` and `verify-ca` as `verify-full`.
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTlsCluster, type TlsCluster } from "../../store-postgres/src/test-support/tls-cluster.js";
import { startQueue } from "./job-queue.js";
import { openSweepDatabase } from "./sweep-tables.js";
import { SweepError } from "./sweep-error.js";

let cluster: TlsCluster;
let port = "";

beforeAll(() => {
  cluster = startTlsCluster();
  port = cluster.port;
}, 120_000);

afterAll(() => cluster?.stop());

/** The queue and the tables on `url`, both asked for a server setting; what the queue's connection reports. */
async function bothOn(url: string): Promise<string> {
  const sql = await openSweepDatabase(url, 1);
  let boss: PgBoss | null = null;
  try {
    boss = await startQueue(url, { supervise: false });
    const [row] = await sql`show statement_timeout`;
    const { rows } = await boss.getDb().executeSql("show statement_timeout", []);
    expect(rows[0].statement_timeout).toBe(row!.statement_timeout);
    return rows[0].statement_timeout;
  } finally {
    await boss?.stop({ graceful: false, wait: true });
    await sql.end({ timeout: 5 });
  }
}

describe("the sweep's queue and tables on one URL", () => {
  const client = () => `sslcert=${cluster.tls}/client.crt&sslkey=${cluster.tls}/client.key`;

  it("take sslmode=require unverified, as libpq does, with a client certificate and a server setting", async () => {
    const url = `postgres://loom@localhost:${port}/loom_test?sslmode=require&${client()}&statement_timeout=4321`;
    expect(await bothOn(url)).toBe("4321ms");
  }, 60_000);

  it("take verify-ca by an address the certificate does not name", async () => {
    const url = `postgres://loom@127.0.0.1:${port}/loom_test?sslmode=verify-ca&sslrootcert=${cluster.tls}/ca.crt&${client()}`;
    expect(await bothOn(url)).toBe("0");
  }, 60_000);

  it("take the socket, with a setting whose value has a space", async () => {
    const url = `postgres://loom@/loom_test?host=${encodeURIComponent(cluster.socketDir)}&port=${port}&datestyle=ISO,%20DMY`;
    const sql = await openSweepDatabase(url, 1);
    const boss = await startQueue(url, { supervise: false });
    try {
      const { rows } = await boss.getDb().executeSql("show datestyle", []);
      const [row] = await sql`show datestyle`;
      expect(rows[0].DateStyle).toBe("ISO, DMY");
      expect(row!.DateStyle).toBe("ISO, DMY");
    } finally {
      await boss.stop({ graceful: false, wait: true });
      await sql.end({ timeout: 5 });
    }
  }, 60_000);

  it("refuse a TLS file that cannot be read with the store's error, naming the parameter", async () => {
    const url = `postgres://loom@localhost:${port}/loom_test?sslmode=verify-full&sslrootcert=/nonexistent/ca.crt`;
    const error = await openSweepDatabase(url, 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SweepError);
    expect((error as Error).message).toMatch(
      /cannot use PostgreSQL at .*sslrootcert parameter names \(\/nonexistent\/ca\.crt\)/,
    );
    // A list of hosts, which the store takes and the queue's driver does not: refused before any work.
    const hosts = await openSweepDatabase(`postgres://loom:pw@localhost:${port},localhost:1/loom_test`, 1).catch(
      (e: unknown) => e,
    );
    expect(hosts).toBeInstanceOf(SweepError);
    expect((hosts as Error).message).toMatch(
      /cannot use PostgreSQL at postgres:\/\/loom@localhost:\d+,localhost:1\/loom_test: the URL names a list of hosts: the sweep's job queue/,
    );
  });
});
