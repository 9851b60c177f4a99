// A URL through a real connection pooler (PgBouncer): session mode works as a direct connection; transaction mode, which hands each transaction to any server connection, is refused before a writer's lock is left with a connection the pooler shares.
import { createLoom } from "@loom/core";
import { IoError } from "@loom/io";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresSessionStore } from "./pg-store.js";
import { lockSession } from "./session-lock-pg.js";
import { type Pooler, poolerInstalled, startPooler } from "./test-support/pooler.js";
import { roundTrip } from "./test-support/round-trip.js";
import { type TestDatabase, testDatabase } from "./test-support/test-database.js";

// CI installs PgBouncer (scripts/test.sh); elsewhere the suite runs only where it is installed.
const skip = !poolerInstalled() && !process.env["CI"];

describe.skipIf(skip)("a PostgreSQL URL through PgBouncer", () => {
  let db: TestDatabase;
  let transaction: Pooler;
  let session: Pooler;
  beforeAll(async () => {
    db = await testDatabase();
    // The schema first, directly: a pooler in transaction mode is refused only once a writer opens.
    const direct = postgresSessionStore(db.url);
    await (await direct.create("made-directly", createLoom({ seed: "Made" }))).close();
    await direct.close();
    transaction = await startPooler(db.url, "transaction", 2);
    session = await startPooler(db.url, "session", 2);
  }, 60_000);
  afterAll(async () => {
    await transaction?.stop();
    await session?.stop();
    await db?.dispose();
  });

  it("works in session mode, where each client keeps its server connection", async () => {
    expect(await roundTrip(session.url, "in-session-mode")).toBe("Sealed in transit");
  });

  it("is refused in transaction mode before any lock is taken, naming the pooling; the session stays open to others", async () => {
    const store = postgresSessionStore(transaction.url);
    try {
      const error = await store.open("made-directly").catch((e: unknown) => e);
      expect(IoError.isInstance(error)).toBe(true);
      expect((error as IoError).message).toMatch(/through a pooler that hands each transaction to another server/);
      expect((error as IoError).message).toContain("use a direct URL or the pooler's session mode");
      expect((error as IoError).message).toContain(transaction.url.replace(/\/[^/]*$/, ""));
      // Reads do not hold a lock: they work through the pooler.
      expect((await store.show("made-directly")).text).toBe("Made");
    } finally {
      await store.close();
    }
    // No lock was left with a server connection the pooler keeps: a direct writer opens the session at once.
    const direct = postgresSessionStore(db.url);
    try {
      const s = await direct.open("made-directly");
      await s.close();
    } finally {
      await direct.close();
    }
  });

  it("releases the lock when a busy pooler moves a writer's statements between taking the lock and marking the writer", async () => {
    // A pool of two server connections, X and Y, made busy by a third client at two moments, as other users of a
    // pooler do. PgBouncer hands a client the free server connection released last.
    const writer = postgres(transaction.url, { max: 1, onnotice: () => {} });
    const other = postgres(transaction.url, { max: 2, onnotice: () => {} });
    const third = postgres(transaction.url, { max: 2, onnotice: () => {} });
    const direct = postgres(db.url, { max: 1, onnotice: () => {} });
    const busy: Promise<unknown>[] = [];
    // Occupy the server connection the pooler hands out next for `seconds`; resolves once the server runs it.
    let occupied = 0;
    const occupy = async (seconds: number) => {
      occupied += 1;
      busy.push(third`select pg_sleep(${seconds}), 'loom-occupied'`.execute().finally(() => (occupied -= 1)));
      for (;;) {
        const [row] = await direct<{ n: number }[]>`select count(*)::int as n from pg_stat_activity
          where state = 'active' and query like '%loom-occupied%' and pid <> pg_backend_pid()`;
        if (row!.n >= occupied) return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    const seen: string[] = [];
    const moved = new Proxy(writer, {
      apply(target, self, args: [TemplateStringsArray, ...unknown[]]) {
        const text = args[0]?.[0] ?? "";
        // The probe: right after it, another client takes the writer's server connection (Y), so the second
        // client's probe is handed X and the two differ, as they do when a busy pooler has both in use.
        if (text === "select pg_backend_pid() as pid") {
          seen.push("probe");
          return (Reflect.apply(target, self, args) as Promise<unknown>).then(async (rows) => {
            await occupy(0.3);
            return rows;
          });
        }
        // Between the lock (taken on X, the only free one) and the mark, another client takes X for longer, so the
        // mark waits for Y.
        if (text.startsWith("update loom_sessions set writer_backend = pg_backend_pid()")) {
          seen.push("mark");
          return occupy(0.6).then(() => Reflect.apply(target, self, args));
        }
        return Reflect.apply(target, self, args);
      },
    });
    try {
      const error = await lockSession(moved, "made-directly", "pooled", () => new Date(), other).catch(
        (e: unknown) => e,
      );
      await Promise.all(busy);
      expect(seen).toEqual(["probe", "mark"]);
      expect((error as Error).message).toMatch(/through a pooler that hands each transaction/);
      expect((error as Error).message).not.toContain("stays with server process");
      // The lock was released on the server connection that took it, and no writer is recorded: a direct writer
      // opens the session at once.
      const locks = await direct<{ pid: number }[]>`
        select pid from pg_locks where locktype = 'advisory' and granted
        and database = (select oid from pg_database where datname = current_database())`;
      expect(locks).toEqual([]);
      const [row] = await direct<{ writer: string | null }[]>`
        select writer_backend::text as writer from loom_sessions where id = 'made-directly'`;
      expect(row!.writer).toBeNull();
    } finally {
      await writer.end();
      await other.end();
      await third.end();
      await direct.end();
    }
  });
});
