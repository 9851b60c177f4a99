// TLS as libpq's URLs ask for it (sslmode, sslrootcert, sslcert, sslkey), against a real PostgreSQL that takes TCP over TLS only, with client certificates.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { addCandidates, choose, createLoom } from "@loom/core";
import { IoError } from "@loom/io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tlsOf, withoutPassword } from "./connect.js";
import { postgresSessionStore } from "./pg-store.js";

const script = fileURLToPath(new URL("../../../scripts/pg-cluster.sh", import.meta.url));

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
  });
});

describe("a PostgreSQL that takes TCP over TLS only, with a client certificate", () => {
  let data = "";
  let port = "";
  let tls = "";
  beforeAll(() => {
    const out = execFileSync("bash", [script, "start", "--tls"], { encoding: "utf8" }).trim().split("\n").pop()!;
    const [dir, url] = out.split(" ");
    data = dir!;
    port = new URL(url!).port;
    tls = `${data}/tls`;
  }, 120_000);
  afterAll(() => {
    if (data) execFileSync("bash", [script, "stop", data]);
  });

  const client = () => `sslcert=${tls}/client.crt&sslkey=${tls}/client.key`;
  const url = (host: string, query: string) => `postgres://loom@${host}:${port}/loom_test?${query}`;

  /** Create a session, commit a decision and read it back through `address`; the text read. */
  async function roundTrip(address: string, id: string): Promise<string> {
    const store = postgresSessionStore(address);
    try {
      const session = await store.create(id, createLoom({ seed: "Sealed" }));
      const { decisionId, nodeIds } = session.mutate((l) => addCandidates(l, l.rootId, [{ text: " in transit" }]));
      session.mutate((l) => choose(l, decisionId, nodeIds[0]!, "human", "the only one"));
      await session.close();
      return (await store.show(id)).text;
    } finally {
      await store.close();
    }
  }

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

  it("is refused by the server without the client certificate", async () => {
    await expect(
      roundTrip(url("localhost", `sslmode=verify-full&sslrootcert=${tls}/ca.crt`), "no-client"),
    ).rejects.toThrow(/connection requires a valid client certificate/);
  });
});
