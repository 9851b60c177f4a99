import { addCandidates, choose, createLoom, currentText } from "@loom/core";
import { IoError } from "@loom/io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePgUrl, socketOf } from "./connect.js";
import { postgresSessionStore } from "./pg-store.js";
import { testDatabase, type TestDatabase } from "./test-support/test-database.js";

describe("PostgreSQL URLs as libpq reads them", () => {
  it("takes a Unix socket's directory from the host parameter, with or without a user and a port", () => {
    expect(socketOf("postgres://loom@/db?host=/run/pg&port=5433")).toEqual({
      url: "postgres://loom@localhost/db",
      dir: "/run/pg",
      port: 5433,
    });
    expect(socketOf("postgresql:///db?host=%2Frun%2Fpg")).toEqual({
      url: "postgresql://localhost/db",
      dir: "/run/pg",
      port: null,
    });
    // libpq: the parameter wins over the URL's host; the URL's port names the socket's file.
    expect(socketOf("postgres://loom:pw@db.example:6000/x?host=/s")).toEqual({
      url: "postgres://loom:pw@db.example:6000/x",
      dir: "/s",
      port: 6000,
    });
    // libpq's other form, the directory percent-encoded as the host (node-postgres, so pg-boss, reads it alike).
    expect(socketOf("postgres://loom@%2Frun%2Fpg:5433/db")).toEqual({
      url: "postgres://loom@localhost:5433/db",
      dir: "/run/pg",
      port: 5433,
    });
    expect(socketOf("postgresql://%2frun%2fpg/db?host=/other")?.dir).toBe("/other");
    expect(socketOf("postgres://loom@127.0.0.1:5432/db")).toBeNull();
    expect(socketOf("postgres://loom@%41host/db")).toBeNull();
    expect(parsePgUrl("postgres://loom@/db")?.pathname).toBe("/db");
  });

  it("refuses a host parameter that is not a directory, naming the field", () => {
    const make = () => postgresSessionStore("postgres://loom@/db?host=db.example");
    expect(make).toThrow(IoError);
    expect(make).toThrow(/socket directory.*"db\.example"/);
    expect(() => postgresSessionStore("postgres://loom@[bad/db")).toThrow(/is not a PostgreSQL URL/);
  });
});

describe("a session through the server's Unix socket", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await testDatabase();
  });
  afterAll(async () => {
    await db?.dispose();
  });

  it("is created, committed and read back as over TCP", async (ctx) => {
    if (!db.socketUrl) ctx.skip(); // LOOM_TEST_PG_URL given without LOOM_TEST_PG_SOCKET: scripts/test.sh sets both
    const url = db.socketUrl!;
    expect(url).toMatch(/^postgres:\/\/loom@\/loom_t_[0-9a-f]+\?host=%2F.+&port=\d+$/);
    const store = postgresSessionStore(url);
    try {
      const session = await store.create("by-socket", createLoom({ seed: "Over the socket" }));
      const { decisionId, nodeIds } = session.mutate((l) =>
        addCandidates(l, l.rootId, [
          { text: " it went", stepLogprob: -1 },
          { text: " it stayed", stepLogprob: -2 },
        ]),
      );
      session.mutate((l) => choose(l, decisionId, nodeIds[1]!, "human", "stays"));
      await session.close();
      // The same rows, read by a store that reaches the database over TCP.
      const tcp = postgresSessionStore(db.url);
      try {
        const again = await tcp.open("by-socket", { readOnly: true });
        expect(currentText(again.loom)).toBe("Over the socket it stayed");
        await again.close();
      } finally {
        await tcp.close();
      }
      expect((await store.show("by-socket")).text).toBe("Over the socket it stayed");
    } finally {
      await store.close();
    }
  });

  it("is reached with the socket's directory percent-encoded as the URL's host", async (ctx) => {
    if (!db.socketUrl) ctx.skip();
    const given = new URL(db.socketUrl!.replace("@/", "@localhost/"));
    const dir = given.searchParams.get("host")!;
    const url = `postgres://loom@${encodeURIComponent(dir)}:${given.searchParams.get("port")}${given.pathname}`;
    expect(url).toMatch(/^postgres:\/\/loom@%2F[^/]+:\d+\/loom_t_[0-9a-f]+$/);
    const store = postgresSessionStore(url);
    try {
      const session = await store.create("by-encoded-host", createLoom({ seed: "Encoded" }));
      const { decisionId, nodeIds } = session.mutate((l) => addCandidates(l, l.rootId, [{ text: " host" }]));
      session.mutate((l) => choose(l, decisionId, nodeIds[0]!, "human", "only one"));
      await session.close();
      expect((await store.show("by-encoded-host")).text).toBe("Encoded host");
    } finally {
      await store.close();
    }
  });

  it("names the socket's directory when nothing listens there", async () => {
    const store = postgresSessionStore("postgres://loom@/db?host=/nonexistent-loom-socket-dir&port=5432");
    try {
      await expect(store.open("x")).rejects.toThrow(
        /cannot use PostgreSQL at postgres:\/\/loom@localhost\/db\?host=.*nonexistent-loom-socket-dir/,
      );
    } finally {
      await store.close();
    }
  });
});
