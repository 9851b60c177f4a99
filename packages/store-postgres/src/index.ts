// @loom/store-postgres: Loom sessions in PostgreSQL behind @loom/io's SessionStore interface.
export { postgresSessionStore } from "./pg-store.js";
export type { PostgresStoreOptions } from "./pg-store.js";
