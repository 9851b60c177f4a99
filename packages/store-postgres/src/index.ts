// @loom/store-postgres: Loom sessions in PostgreSQL behind @loom/io's SessionStore interface.
export { postgresSessionStore } from "./pg-store.js";
export type { PostgresSessionStore, PostgresStoreOptions } from "./pg-store.js";
export type { PathView } from "./session-queries.js";
export type { SessionChange } from "./session-events.js";
export {
  type ConnectionFields,
  connectionFields,
  parsePgUrl as parsePostgresUrl,
  pgClient as postgresClient,
  withoutPassword,
} from "./connect.js";
