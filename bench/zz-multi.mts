import { postgresClient } from "@loom/store-postgres";
const [hosts, ports, attrs] = [process.argv[2]!.split(","), process.argv[3]!.split(",").map(Number), process.argv[4]];
const sql = postgresClient("postgres://loom@x/loom_test", { host: hosts as never, port: ports as never, max: 1, ...(attrs ? { target_session_attrs: attrs } : {}) } as never);
for (let i = 0; i < 3; i++) {
  try { const [r] = await sql`select inet_server_port() as p, current_setting('default_transaction_read_only') as ro`; console.log(r); }
  catch (e) { console.log("ERROR", (e as Error).message); }
}
await sql.end();
