// The floor under a store commit, for benchmarks: one bare INSERT of the same bytes as its own transaction on the same server.
import { pgClient } from "../connect.js";
import { dropParameters } from "../write-batch.js";

/**
 * A connection of its own that inserts `bytes` in one statement (its own transaction: the WAL flush that
 * `synchronous_commit` waits for, and one round trip), timed by the caller between the store's commits so both
 * see the same load; with the server's durability settings, which the figures depend on.
 */
export async function commitFloor(url: string) {
  const sql = pgClient(url, { max: 1, onnotice: () => {} });
  await sql`create table if not exists loom_bench_floor (k bigserial primary key, data text not null)`;
  const [settings] = await sql<{ fsync: string; synchronous_commit: string }[]>`
    select current_setting('fsync') as fsync, current_setting('synchronous_commit') as synchronous_commit`;
  return {
    settings: settings!,
    run: async (bytes: string) => {
      const query = sql`insert into loom_bench_floor (data) values (${bytes})`;
      await query;
      // As the store's commits do (write-batch.ts): postgres.js keeps a finished query's parameters reachable to
      // the young-generation collector, so without this every floor's bytes would survive the scavenges that the
      // store's commits are timed against, and lengthen their pauses.
      dropParameters(query);
    },
    times: [] as number[],
    end: () => sql.end({ timeout: 5 }),
  };
}
