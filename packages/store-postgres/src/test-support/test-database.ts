// A real PostgreSQL for the tests: the cluster scripts/test.sh started (LOOM_TEST_PG_URL), else a throwaway one started here.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import postgres from "postgres";

const script = fileURLToPath(new URL("../../../../scripts/pg-cluster.sh", import.meta.url));

export interface TestDatabase {
  /** A fresh, empty database of its own. */
  url: string;
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
  if (!base) {
    cluster = startCluster();
    base = cluster.url;
  }
  const name = `loom_t_${randomBytes(6).toString("hex")}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
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
