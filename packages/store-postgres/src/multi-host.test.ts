// URLs of several hosts, as libpq writes them for a primary and its standbys (postgres://u@h1:5432,h2:5432/db), against real PostgreSQL servers: the writer lands on the one that takes writes, past a host that is down.
import { execFileSync } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectionFields, hostList, withoutPassword } from "./connect.js";
import { postgresSessionStore } from "./pg-store.js";
import { roundTrip } from "./test-support/round-trip.js";
import { type TestDatabase, testDatabase } from "./test-support/test-database.js";

const script = fileURLToPath(new URL("../../../scripts/pg-cluster.sh", import.meta.url));

describe("a URL of several hosts", () => {
  it("is read host by host, shown without its password, and refused where one host is all a client takes", () => {
    expect(hostList("postgres://me@a.example:5433,[::1],b.example/db?sslmode=require")).toEqual({
      first: "postgres://me@a.example:5433/db?sslmode=require",
      hosts: [
        { host: "a.example", port: 5433 },
        { host: "::1", port: null },
        { host: "b.example", port: null },
      ],
    });
    expect(hostList("postgres://me@a.example/db")).toBeNull();
    expect(() => hostList("postgres://me@a.example,,b/db")).toThrow(/list of hosts has "" in it/);
    expect(withoutPassword("postgres://me:secret@a:1,b:2/db?password=x")).toBe("postgres://me@a:1,b:2/db?password=");
    expect(() => connectionFields("postgres://me@a:1,b:2/db")).toThrow(/job queue .* connects to one host/);
    expect(() => postgresSessionStore("postgres://me@a:1,b:2/db?host=/run/pg")).toThrow(/list of hosts and a socket/);
  });
});

describe("a URL of several hosts, against real servers", () => {
  let db: TestDatabase;
  let standby: { data: string; port: string };
  let closed = 0;
  beforeAll(async () => {
    db = await testDatabase();
    const name = new URL(db.url).pathname.slice(1);
    // A second server whose sessions are read-only by default, as a standby's are; it has a database of the same name.
    const out = execFileSync("bash", [script, "start"], { encoding: "utf8" }).trim().split("\n").pop()!;
    const [data, url] = out.split(" ");
    standby = { data: data!, port: new URL(url!).port };
    const admin = postgres(url!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin`alter system set default_transaction_read_only = on`;
    await admin`select pg_reload_conf()`;
    await admin.end();
    // A port nothing listens on: a host that is down.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closed = (server.address() as { port: number }).port;
    await new Promise((resolve) => server.close(resolve));
  }, 120_000);
  afterAll(async () => {
    if (standby) execFileSync("bash", [script, "stop", standby.data]);
    await db?.dispose();
  });

  const listOf = (...ports: (string | number)[]) => {
    const u = new URL(db.url);
    return db.url.replace(`@${u.host}`, `@${ports.map((p) => `127.0.0.1:${p}`).join(",")}`);
  };

  it("reaches the next host when the first is down", async () => {
    expect(await roundTrip(listOf(closed, new URL(db.url).port), "past-a-dead-host")).toBe("Sealed in transit");
  });

  it("writes to the host that takes writes, the standby listed first", async () => {
    const primary = new URL(db.url).port;
    expect(await roundTrip(listOf(standby.port, primary), "past-the-standby")).toBe("Sealed in transit");
    // libpq's default, any, would take the standby: the session cannot be created there.
    await expect(
      roundTrip(`${listOf(standby.port, primary)}?target_session_attrs=any`, "on-the-standby"),
    ).rejects.toThrow(/read-only transaction/);
  });
});
