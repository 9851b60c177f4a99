// A real PostgreSQL for the tests: the cluster scripts/test.sh started (LOOM_TEST_PG_URL), else a throwaway one started here.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import postgres from "postgres";

const script = fileURLToPath(new URL("../../../../scripts/pg-cluster.sh", import.meta.url));

export interface TestDatabase {
  /** A fresh, empty database of its own. */
  url: string;
  /**
   * The same database through the server's Unix socket (`postgres://user@/db?host=/dir&port=N`, as libpq writes
   * it), or null when the cluster's socket directory is not known (LOOM_TEST_PG_URL given without LOOM_TEST_PG_SOCKET).
   */
  socketUrl: string | null;
  /** Drop the database (and stop the cluster if this process started it). */
  dispose(): Promise<void>;
}

/** Start a cluster with scripts/pg-cluster.sh; returns its data dir and URL. */
function startCluster(): { data: string; url: string } {
  const out = execFileSync("bash", [script, "start"], { encoding: "utf8" }).trim().split("\n").pop()!;
  const [data, url] = out.split(" ");
  return { data: data!, url: url! };
}

/** A fresh database on the test cluster (a database per test file keeps files independent). */
export async function testDatabase(): Promise<TestDatabase> {
  let cluster: { data: string; url: string } | null = null;
  let base = process.env.LOOM_TEST_PG_URL;
  // pg-cluster.sh puts the server's socket in <data dir>/db.
  let socketDir = base ? (process.env.LOOM_TEST_PG_SOCKET ?? null) : null;
  if (!base) {
    cluster = startCluster();
    base = cluster.url;
    socketDir = `${cluster.data}/db`;
  }
  const name = `loom_t_${randomBytes(6).toString("hex")}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  let socketUrl: string | null = null;
  if (socketDir) {
    const s = new URL(url);
    const port = s.port;
    s.hostname = "localhost";
    s.port = "";
    s.searchParams.set("host", socketDir);
    s.searchParams.set("port", port || "5432");
    socketUrl = s.toString().replace("@localhost/", "@/");
  }
  return {
    url: url.toString(),
    socketUrl,
    async dispose() {
      try {
        await admin.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await admin.end({ timeout: 5 });
        if (cluster) execFileSync("bash", [script, "stop", cluster.data]);
      }
    },
  };
}
