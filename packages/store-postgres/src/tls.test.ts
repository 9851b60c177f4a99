// TLS as libpq's URLs ask for it (sslmode, sslrootcert, sslcert, sslkey), against a real PostgreSQL that takes TCP over TLS only, with client certificates.
import { IoError } from "@loom/io";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectionFields, type LibpqDefaults, tlsOf, withoutPassword } from "./connect.js";
import { postgresSessionStore } from "./pg-store.js";
import { roundTrip } from "./test-support/round-trip.js";
import { startTlsCluster, type TlsCluster } from "./test-support/tls-cluster.js";

describe("libpq's TLS parameters", () => {
  it("read as libpq reads them, and leave the URL sent to the server", () => {
    // Nothing to do for the driver's own modes without files.
    expect(tlsOf("postgres://loom@db.example/x?sslmode=require")).toBeNull();
    expect(tlsOf("postgres://loom@db.example/x")).toBeNull();
    const system = tlsOf("postgres://loom@db.example/x?sslrootcert=system&application_name=a")!;
    expect(system.url).toBe("postgres://loom@db.example/x?application_name=a");
    expect(system.ssl).toMatchObject({ rejectUnauthorized: true });
    expect(tlsOf("postgres://loom@db.example/x?sslmode=disable&sslrootcert=/nonexistent")).toEqual({
      url: "postgres://loom@db.example/x",
      ssl: false,
    });
  });

  it("give node-postgres the fields the store's client reads from the same URL", () => {
    expect(connectionFields("postgres://me:p%40ss@db.example:6543/loom?sslmode=require&connect_timeout=3")).toEqual({
      host: "db.example",
      port: 6543,
      database: "loom",
      user: "me",
      password: "p@ss",
      ssl: { rejectUnauthorized: false },
      connectionTimeoutMillis: 3000,
    });
    const socket = connectionFields("postgres://me@/loom?host=/run/pg&port=5433&sslmode=require&work_mem=8MB");
    expect(socket).toMatchObject({ host: "/run/pg", port: 5433, ssl: false, options: "-c work_mem=8MB" });
    // Server settings as startup options, their spaces and backslashes escaped as the server reads them.
    expect(connectionFields("postgres://db/x?options=-c%20a%3Db&datestyle=ISO,%20DMY&x.y=a%5Cb").options).toBe(
      "-c a=b -c datestyle=ISO,\\ DMY -c x.y=a\\\\b",
    );
    expect(connectionFields("postgres://[::1]/x?sslmode=verify-full").ssl).toMatchObject({ rejectUnauthorized: true });
    expect(connectionFields("postgres://[::1]/x").host).toBe("::1");
  });

  it("leave a URL's missing host and port to PGHOST and PGPORT, as libpq and postgres.js do", () => {
    const saved = { host: process.env["PGHOST"], port: process.env["PGPORT"] };
    try {
      process.env["PGHOST"] = "/run/pg";
      process.env["PGPORT"] = "5999";
      expect(connectionFields("postgres://me@/x")).toMatchObject({ host: "/run/pg", port: 5999, user: "me" });
      expect(connectionFields("postgresql:///x")).toMatchObject({ host: "/run/pg", port: 5999 });
      expect(connectionFields("postgres://me@db.example:6000/x")).toMatchObject({ host: "db.example", port: 6000 });
      delete process.env["PGHOST"];
      delete process.env["PGPORT"];
      expect(connectionFields("postgres://me@/x")).toMatchObject({ host: "localhost", port: 5432 });
    } finally {
      for (const [name, value] of [
        ["PGHOST", saved.host],
        ["PGPORT", saved.port],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it("keep the key's passphrase out of messages, as the password is", () => {
    expect(withoutPassword("postgres://loom:pw@db.example/x?sslpassword=secret&password=other&sslmode=require")).toBe(
      "postgres://loom@db.example/x?sslpassword=&password=&sslmode=require",
    );
  });

  it("refuse an unknown mode, a file that cannot be read and half a client certificate, naming the parameter", () => {
    const store = (query: string) => () => postgresSessionStore(`postgres://loom@db.example/x?${query}`);
    expect(store("sslmode=verify")).toThrow(IoError);
    expect(store("sslmode=verify")).toThrow(/sslmode parameter is one of disable, .*verify-full, not "verify"/);
    expect(store("sslmode=verify-full&sslrootcert=/nonexistent/ca.pem")).toThrow(
      /sslrootcert parameter names \(\/nonexistent\/ca\.pem\)/,
    );
    expect(store("sslcert=/a.crt")).toThrow(/sslcert without sslkey/);
    expect(store("sslmode=require&sslpassword=x")).toThrow(/sslpassword without sslkey/);
  });
});

describe("libpq's TLS environment and default files, for what the URL leaves out", () => {
  const home = mkdtempSync(join(tmpdir(), "loom-libpq-home-"));
  afterAll(() => rmSync(home, { recursive: true, force: true }));
  const nowhere = join(home, "none");
  const at = (env: Record<string, string>, dir = nowhere): LibpqDefaults => ({ env, home: dir });
  const url = "postgres://loom@db.example/x?application_name=a";

  it("take PGSSLMODE, which postgres.js does not read, and let the URL's parameter win", () => {
    // require: TLS always, unverified without a CA file, as libpq (the driver's own mode, given as its option).
    expect(tlsOf(url, at({ PGSSLMODE: "require" }))).toEqual({ url, ssl: "require" });
    // prefer and allow are handed to the driver by name, so it keeps their fallback to a plain connection.
    expect(tlsOf(url, at({ PGSSLMODE: "prefer" }))).toEqual({ url, ssl: "prefer" });
    expect(tlsOf(url, at({ PGSSLMODE: "disable" }))).toEqual({ url, ssl: false });
    expect(tlsOf(`${url}&sslmode=disable`, at({ PGSSLMODE: "verify-full" }))).toBeNull();
    expect(tlsOf(url, at({ PGSSLMODE: "verify-full" }))!.ssl).toMatchObject({ rejectUnauthorized: true });
    // node-postgres (the sweep's queue) is given the same.
    const saved = process.env["PGSSLMODE"];
    try {
      process.env["PGSSLMODE"] = "prefer";
      expect(connectionFields(url).ssl).toEqual({ rejectUnauthorized: false });
      // allow tries a plain connection first: node-postgres, which cannot fall back, is given that one.
      process.env["PGSSLMODE"] = "allow";
      expect(connectionFields(url).ssl).toBe(false);
      expect(connectionFields(`${url}&sslmode=allow`).ssl).toBe(false);
    } finally {
      if (saved === undefined) delete process.env["PGSSLMODE"];
      else process.env["PGSSLMODE"] = saved;
    }
  });

  it("name the variable or the default file a bad setting came from", () => {
    expect(() => tlsOf(url, at({ PGSSLMODE: "on" }))).toThrow(
      /the PGSSLMODE environment variable is one of disable, .*, not "on"/,
    );
    expect(() => tlsOf(url, at({ PGSSLMODE: "verify-ca", PGSSLROOTCERT: "/nonexistent/root.pem" }))).toThrow(
      "cannot read the file the PGSSLROOTCERT environment variable names (/nonexistent/root.pem)",
    );
    expect(() => tlsOf(url, at({ PGSSLCERT: "/a.crt" }))).toThrow(
      "the PGSSLCERT environment variable gives sslcert (/a.crt) without sslkey",
    );
    const halfHome = join(home, "half");
    mkdirSync(join(halfHome, ".postgresql"), { recursive: true });
    writeFileSync(join(halfHome, ".postgresql", "postgresql.crt"), "not a key");
    expect(() => tlsOf(url, at({ PGSSLMODE: "require" }, halfHome))).toThrow(
      /libpq's default file ~\/\.postgresql\/postgresql\.crt gives sslcert \(.*\) without sslkey/,
    );
    // Under the default mode the default files are not read: a plain server stays reachable.
    expect(tlsOf(url, at({}, halfHome))).toBeNull();
  });

  it("use no TLS over the Unix socket PGHOST names, as libpq", () => {
    expect(tlsOf("postgres://loom@/x", at({ PGHOST: "/run/pg", PGSSLMODE: "verify-full" }))).toEqual({
      url: "postgres://loom@localhost/x",
      ssl: false,
    });
  });
});

describe("a PostgreSQL that takes TCP over TLS only, with a client certificate", () => {
  let cluster: TlsCluster;
  let port = "";
  let tls = "";
  beforeAll(() => {
    cluster = startTlsCluster();
    ({ port, tls } = cluster);
  }, 120_000);
  afterAll(() => cluster?.stop());

  const client = () => `sslcert=${tls}/client.crt&sslkey=${tls}/client.key`;
  const url = (host: string, query: string) => `postgres://loom@${host}:${port}/loom_test?${query}`;

  it("is reached with verify-full, the CA's file and a client certificate, by the name on the certificate", async () => {
    const text = await roundTrip(url("localhost", `sslmode=verify-full&sslrootcert=${tls}/ca.crt&${client()}`), "full");
    expect(text).toBe("Sealed in transit");
  });

  it("verify-full refuses an address the certificate does not name; verify-ca takes it", async () => {
    await expect(
      roundTrip(url("127.0.0.1", `sslmode=verify-full&sslrootcert=${tls}/ca.crt&${client()}`), "by-ip"),
    ).rejects.toThrow(/IP: 127\.0\.0\.1 is not in the cert's list/);
    const text = await roundTrip(url("127.0.0.1", `sslmode=verify-ca&sslrootcert=${tls}/ca.crt&${client()}`), "ca");
    expect(text).toBe("Sealed in transit");
  });

  it("refuses a server whose certificate another CA signed, even with sslmode=require", async () => {
    for (const mode of ["verify-full", "require"]) {
      await expect(
        roundTrip(url("localhost", `sslmode=${mode}&sslrootcert=${tls}/other-ca.crt&${client()}`), `other-${mode}`),
      ).rejects.toThrow(/cannot use PostgreSQL at .*self-signed certificate in certificate chain|unable to verify/);
    }
  });

  it("is reached with the URL naming no TLS at all: libpq's variables, then its default files in ~/.postgresql", async () => {
    const names = ["PGSSLMODE", "PGSSLROOTCERT", "PGSSLCERT", "PGSSLKEY", "HOME"] as const;
    const saved = Object.fromEntries(names.map((n) => [n, process.env[n]]));
    const home = mkdtempSync(join(tmpdir(), "loom-libpq-home-"));
    try {
      Object.assign(process.env, {
        PGSSLMODE: "verify-full",
        PGSSLROOTCERT: `${tls}/ca.crt`,
        PGSSLCERT: `${tls}/client.crt`,
        PGSSLKEY: `${tls}/client.key`,
      });
      expect(await roundTrip(url("localhost", "application_name=env"), "env")).toBe("Sealed in transit");
      // By IP, verify-full from the environment checks the name as it does from the URL.
      await expect(roundTrip(url("127.0.0.1", "application_name=env"), "env-ip")).rejects.toThrow(
        /IP: 127\.0\.0\.1 is not in the cert's list/,
      );
      // The same files as libpq's defaults, under the home directory; the mode alone from the environment.
      mkdirSync(join(home, ".postgresql"));
      for (const [from, to] of [
        ["ca.crt", "root.crt"],
        ["client.crt", "postgresql.crt"],
        ["client.key", "postgresql.key"],
      ])
        writeFileSync(join(home, ".postgresql", to!), readFileSync(join(tls, from!)));
      for (const n of ["PGSSLROOTCERT", "PGSSLCERT", "PGSSLKEY"]) delete process.env[n];
      process.env["HOME"] = home;
      expect(await roundTrip(url("localhost", ""), "home")).toBe("Sealed in transit");
      // The default CA file is the one checked: another CA's is refused under require, as libpq does.
      writeFileSync(join(home, ".postgresql", "root.crt"), readFileSync(join(tls, "other-ca.crt")));
      process.env["PGSSLMODE"] = "require";
      await expect(roundTrip(url("localhost", ""), "home-other")).rejects.toThrow(
        /self-signed certificate in certificate chain|unable to verify/,
      );
    } finally {
      for (const n of names) {
        if (saved[n] === undefined) delete process.env[n];
        else process.env[n] = saved[n];
      }
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("is refused by the server without the client certificate", async () => {
    await expect(
      roundTrip(url("localhost", `sslmode=verify-full&sslrootcert=${tls}/ca.crt`), "no-client"),
    ).rejects.toThrow(/connection requires a valid client certificate/);
  });
});
