// One PostgreSQL store for a test file: a database of its own and a store on it, made before the file's tests and
// released after them.
import { afterAll, beforeAll } from "vitest";
import { postgresSessionStore, type PostgresSessionStore } from "../index.js";
import { testDatabase, type TestDatabase } from "./test-database.js";

export interface FileStore {
  readonly db: TestDatabase;
  readonly store: PostgresSessionStore;
}

/** Call at the top of a test file; read `db` and `store` inside its tests (they exist from its beforeAll on). */
export function storePerFile(): FileStore {
  let db: TestDatabase | undefined;
  let store: PostgresSessionStore | undefined;
  beforeAll(async () => {
    db = await testDatabase();
    store = postgresSessionStore(db.url);
  });
  afterAll(async () => {
    await store?.close();
    await db?.dispose();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("storePerFile: read db and store inside a test, after beforeAll");
    return value;
  };
  return {
    get db() {
      return ready(db);
    },
    get store() {
      return ready(store);
    },
  };
}
