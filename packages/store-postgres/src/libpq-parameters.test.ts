// libpq's connection parameters in the URLs hosted services and psql users hand Loom (Neon's channel_binding, gssencmode, dbname, keepalives, a password file), against a real PostgreSQL: applied, let pass, or refused naming the parameter; never sent to the server as settings, which it refuses.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IoError } from "@loom/io";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientTarget, connectionFields, pgClient, tlsOf } from "./connect.js";
import { passwordFromFile, takeClientParameters } from "./libpq-parameters.js";
import { postgresSessionStore } from "./pg-store.js";
import { roundTrip } from "./test-support/round-trip.js";
import { type TestDatabase, testDatabase } from "./test-support/test-database.js";
import { startTlsCluster, type TlsCluster } from "./test-support/tls-cluster.js";

const scratch = mkdtempSync(join(tmpdir(), "loom-libpq-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("libpq's client parameters", () => {
  it("are taken out of the URL and applied, dropped when they change nothing here, or refused naming themselves", () => {
    const u = new URL(
      "postgres://me@db.example/x?dbname=y&user=you&password=pw&fallback_application_name=fb&keepalives_idle=30&gssencmode=prefer&tcp_user_timeout=5&work_mem=8MB",
    );
    expect(takeClientParameters(u)).toEqual({
      database: "y",
      user: "you",
      password: "pw",
      applicationName: "fb",
      keepAlive: 30,
    });
    // libpq's default for target_session_attrs, which postgres.js does not take by name.
    const any = new URL("postgres://h/x?target_session_attrs=any");
    expect(takeClientParameters(any)).toEqual({ anyServer: true });
    expect(any.search).toBe("");
    // What is left is a server setting, sent as such.
    expect(u.search).toBe("?work_mem=8MB");
    expect(
      takeClientParameters(new URL("postgres://h/x?keepalives=0&application_name=a&fallback_application_name=b")),
    ).toEqual({
      keepAlive: false,
    });
    const refused = (query: string) => () => takeClientParameters(new URL(`postgres://h/x?${query}`));
    expect(refused("service=prod")).toThrow("the URL's service parameter: connection service files");
    expect(refused("gssencmode=require")).toThrow(/gssencmode=require asks for GSSAPI encryption/);
    expect(refused("keepalives=yes")).toThrow('the URL\'s keepalives parameter is 0 or 1, not "yes"');
    expect(refused("hostaddr=10.0.0.1")).toThrow(/hostaddr parameter: .*give the address as the URL's host/);
  });

  it("read TLS's other parameters as libpq does: channel_binding=require verifies the server as verify-full", () => {
    const at = { env: {}, home: join(scratch, "nowhere") };
    // Neon's URLs: sslmode=require&channel_binding=require. Bound, the server is verified, certificate and name.
    const bound = tlsOf("postgres://me@ep-x.example/db?sslmode=require&channel_binding=require", at)!;
    expect(bound.url).toBe("postgres://me@ep-x.example/db");
    expect(bound.ssl).toMatchObject({ rejectUnauthorized: true });
    // prefer and disable ask for nothing the driver must do; the parameter is not sent to the server.
    expect(tlsOf("postgres://me@h/db?sslmode=require&channel_binding=prefer&sslsni=1", at)).toEqual({
      url: "postgres://me@h/db",
      ssl: "require",
    });
    expect(() => tlsOf("postgres://h/db?sslmode=disable&channel_binding=require", at)).toThrow(
      /channel_binding parameter is require, and sslmode disable: channel binding needs TLS/,
    );
    expect(tlsOf("postgres://h/db?sslmode=require&ssl_min_protocol_version=TLSv1.3", at)!.ssl).toMatchObject({
      minVersion: "TLSv1.3",
      rejectUnauthorized: false,
    });
    expect(() => tlsOf("postgres://h/db?ssl_max_protocol_version=TLSv2", at)).toThrow(
      /ssl_max_protocol_version parameter is one of TLSv1, TLSv1.1, TLSv1.2, TLSv1.3, not "TLSv2"/,
    );
    expect(() => tlsOf("postgres://h/db?sslmode=require&sslcrl=/nonexistent.crl", at)).toThrow(
      "cannot read the file the URL's sslcrl parameter names (/nonexistent.crl)",
    );
    expect(() => tlsOf("postgres://h/db?sslcrldir=/etc/crl", at)).toThrow(/sslcrldir parameter: a directory/);
    expect(() => tlsOf("postgres://h/db?sslmode=require", { env: { PGCHANNELBINDING: "always" }, home: "/" })).toThrow(
      'the PGCHANNELBINDING environment variable is disable, prefer or require, not "always"',
    );
    // node-postgres (the sweep's queue) is given the same fields.
    expect(
      connectionFields(
        "postgres://me@h:6000/x?dbname=y&fallback_application_name=fb&keepalives_idle=30&gssencmode=disable",
      ),
    ).toEqual({
      host: "h",
      port: 6000,
      database: "y",
      user: "me",
      password: undefined,
      ssl: false,
      application_name: "fb",
      keepAlive: true,
      keepAliveInitialDelayMillis: 30_000,
    });
  });

  it("find a password in a password file as libpq matches its lines, and not in one others may read", () => {
    const file = join(scratch, "pgpass");
    writeFileSync(
      file,
      [
        "# comment",
        "other.example:5432:*:me:wrong",
        "db.example:6543:loom:me:first\\:pw\\\\x",
        "*:*:*:*:fallback",
        "",
      ].join("\n"),
    );
    chmodSync(file, 0o600);
    const target = { host: "db.example", port: 6543, database: "loom", user: "me" };
    expect(passwordFromFile(file, target, {}, scratch)).toBe("first:pw\\x");
    expect(passwordFromFile(file, { ...target, port: 5432 }, {}, scratch)).toBe("fallback");
    // PGPASSFILE, then ~/.pgpass.
    expect(passwordFromFile(undefined, target, { PGPASSFILE: file }, scratch)).toBe("first:pw\\x");
    expect(passwordFromFile(undefined, target, {}, join(scratch, "no-home"))).toBeNull();
    chmodSync(file, 0o644);
    expect(passwordFromFile(file, target, {}, scratch)).toBeNull();
  });
});

describe("a URL with libpq's client parameters, against a real PostgreSQL", () => {
  let db: TestDatabase;
  let admin: postgres.Sql;
  beforeAll(async () => {
    db = await testDatabase();
    admin = postgres(db.url, { max: 1, onnotice: () => {} });
  });
  afterAll(async () => {
    await admin?.end();
    await db?.dispose();
  });

  it("reaches it with what psql users write: dbname, gssencmode, keepalives, a fallback name, a TCP timeout", async () => {
    const u = new URL(db.url);
    const database = u.pathname.slice(1);
    u.pathname = "/not_this_one";
    const query = `dbname=${database}&gssencmode=disable&keepalives=1&keepalives_idle=30&fallback_application_name=loom-libpq&tcp_user_timeout=10000&connect_timeout=5&target_session_attrs=any`;
    const url = `${u.toString()}?${query}`;
    // Every one of these used to reach the server as a setting: "unrecognized configuration parameter".
    expect(await roundTrip(url, "psql-style")).toBe("Sealed in transit");
    const sql = pgClient(url, { max: 1 });
    try {
      const [row] = await sql<{ name: string; db: string }[]>`
        select application_name as name, current_database() as db from pg_stat_activity where pid = pg_backend_pid()`;
      expect(row).toEqual({ name: "loom-libpq", db: database });
    } finally {
      await sql.end();
    }
  });

  it("takes the password from the file libpq would, for a role that must give one", async () => {
    const u = new URL(db.url);
    const role = `loom_pw_${Math.random().toString(36).slice(2, 8)}`;
    const [{ hba_file: hba }] = (await admin`show hba_file`) as unknown as [{ hba_file: string }];
    const before = readFileSync(hba!, "utf8");
    // A member of the tables' owner, so that only how it logs in differs.
    await admin.unsafe(`create role ${role} login password 'pa:ss' in role ${decodeURIComponent(u.username)}`);
    // This role alone must give a password over TCP (the rest of the cluster's rules are untouched).
    writeFileSync(hba!, `host all ${role} 127.0.0.1/32 scram-sha-256\n${before}`);
    await admin`select pg_reload_conf()`;
    const home = join(scratch, "home");
    mkdirSync(home, { recursive: true });
    const saved = { home: process.env["HOME"], file: process.env["PGPASSFILE"], pw: process.env["PGPASSWORD"] };
    try {
      delete process.env["PGPASSFILE"];
      delete process.env["PGPASSWORD"];
      process.env["HOME"] = home;
      u.username = role;
      const url = u.toString();
      const show = async (address: string) => {
        const store = postgresSessionStore(address);
        try {
          await store.list();
          return "connected";
        } catch (error) {
          return (error as Error).message;
        } finally {
          await store.close();
        }
      };
      expect(await show(url)).toMatch(/password/);
      // ~/.pgpass, as libpq's default; the password holds an escaped colon.
      writeFileSync(join(home, ".pgpass"), `127.0.0.1:${u.port}:*:${role}:pa\\:ss\n`, { mode: 0o600 });
      expect(await show(url)).toBe("connected");
      // The passfile parameter names another file; one others may read is not used.
      const named = join(scratch, "named-pgpass");
      writeFileSync(named, `*:*:*:${role}:pa\\:ss\n`, { mode: 0o644 });
      rmSync(join(home, ".pgpass"));
      expect(await show(`${url}?passfile=${named}`)).toMatch(/password/);
      chmodSync(named, 0o600);
      expect(await show(`${url}?passfile=${named}`)).toBe("connected");
      expect(clientTarget(`${url}?passfile=${named}`).options.password).toBe("pa:ss");
      // A list of hosts: each host's own line, as libpq looks them up (the first host, down here, has none; only
      // its line was read before, so no password was sent to the second).
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const down = (server.address() as { port: number }).port;
      await new Promise((resolve) => server.close(resolve));
      const list = url.replace(`@${u.host}`, `@127.0.0.1:${down},${u.host}`);
      writeFileSync(named, `127.0.0.1:${u.port}:*:${role}:pa\\:ss\n`, { mode: 0o600 });
      expect(await show(`${list}?passfile=${named}`)).toBe("connected");
      // Lines that give the hosts different passwords: postgres.js would send one of them to both.
      writeFileSync(named, `127.0.0.1:${down}:*:${role}:other\n127.0.0.1:${u.port}:*:${role}:pa\\:ss\n`, {
        mode: 0o600,
      });
      expect(() => postgresSessionStore(`${list}?passfile=${named}`)).toThrow(
        new RegExp(`different passwords \\(127\\.0\\.0\\.1:${down}; 127\\.0\\.0\\.1:${u.port}\\)`),
      );
    } finally {
      for (const [name, value] of [
        ["HOME", saved.home],
        ["PGPASSFILE", saved.file],
        ["PGPASSWORD", saved.pw],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      writeFileSync(hba!, before);
      await admin`select pg_reload_conf()`;
      await admin.unsafe(`drop role if exists ${role}`);
    }
  });

  it("refuses what it cannot do before connecting, as the store's invalid_field error", () => {
    expect(() => postgresSessionStore(`${db.url}?service=prod`)).toThrow(IoError);
    expect(() => postgresSessionStore(`${db.url}?gssencmode=require`)).toThrow(/gssencmode=require/);
  });
});

describe("channel_binding=require, as Neon's URLs carry it, against a server over TLS", () => {
  let cluster: TlsCluster;
  beforeAll(() => {
    cluster = startTlsCluster();
  }, 120_000);
  afterAll(() => cluster?.stop());

  const url = (host: string) =>
    `postgres://loom@${host}:${cluster.port}/loom_test?sslmode=require&channel_binding=require&sslrootcert=${cluster.tls}/ca.crt&sslcert=${cluster.tls}/client.crt&sslkey=${cluster.tls}/client.key`;

  it("is met by verifying the server's certificate and name", async () => {
    expect(await roundTrip(url("localhost"), "bound")).toBe("Sealed in transit");
    // By an address the certificate does not name, it is refused where sslmode=require alone would connect.
    await expect(roundTrip(url("127.0.0.1"), "bound-ip")).rejects.toThrow(/IP: 127\.0\.0\.1 is not in the cert's list/);
  });
});
