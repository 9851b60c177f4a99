import { postgresSessionStore } from "@loom/store-postgres";
const store = postgresSessionStore(process.argv[2]!);
try { console.log(await store.list()); } catch (e) { console.log("ERROR", (e as Error).message); } finally { await store.close(); }
