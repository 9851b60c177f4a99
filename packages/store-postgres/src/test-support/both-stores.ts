// The two session stores the shared suites run against: the files in a temp folder, and a real PostgreSQL database.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileSessionStore, type SessionStore } from "@loom/io";
import { postgresSessionStore } from "../index.js";
import { testDatabase, type TestDatabase } from "./test-database.js";

export interface StoreUnderTest {
  kind: "files" | "postgres";
  /** A new store (the same place each time); tests close what they open. */
  open(): SessionStore;
  /** How a child process names this store: `files:<dir>` or `postgres:<url>`. */
  spec: string;
  dispose(): Promise<void>;
}

export async function filesUnderTest(): Promise<StoreUnderTest> {
  const root = mkdtempSync(join(tmpdir(), "loom-store-"));
  return {
    kind: "files",
    open: () => fileSessionStore(root),
    spec: `files:${root}`,
    dispose: async () => rmSync(root, { recursive: true, force: true }),
  };
}

export async function postgresUnderTest(): Promise<StoreUnderTest> {
  const db: TestDatabase = await testDatabase();
  return {
    kind: "postgres",
    open: () => postgresSessionStore(db.url),
    spec: `postgres:${db.url}`,
    dispose: db.dispose,
  };
}

/** The store a child process was pointed at with `spec`. */
export function storeOfSpec(spec: string): SessionStore {
  if (spec.startsWith("files:")) return fileSessionStore(spec.slice("files:".length));
  if (spec.startsWith("postgres:")) return postgresSessionStore(spec.slice("postgres:".length));
  throw new Error(`unknown store spec ${spec}`);
}
