// pg-boss on the sweep's database: started with the options every sweep process uses, the sweep queue created.
import { connectionFields } from "@loom/store-postgres";
import PgBoss from "pg-boss";
import { SWEEP_QUEUE } from "./sweep-tables.js";

/** What a job carries: which session of which sweep to grow. */
export interface SweepJob {
  sweep: string;
  session: string;
}

/** The schema pg-boss keeps its tables in (its default; the liveness check reads its job table). */
export const PG_BOSS_SCHEMA = "pgboss";

/** pg-boss started on `url` with the sweep queue in place. `supervise` runs its maintenance (workers only). */
export async function startQueue(url: string, options: { supervise: boolean; max?: number }): Promise<PgBoss> {
  // The URL's fields rather than the URL: node-postgres reads a URL's TLS and settings otherwise than the store's
  // client, which opens the sweep's own tables on the same URL (connectionFields says how).
  const fields = connectionFields(url);
  const boss = new PgBoss({
    ...fields,
    max: options.max ?? 2,
    supervise: options.supervise,
    schema: PG_BOSS_SCHEMA,
    schedule: false,
    application_name: `loom sweep ${process.pid}`,
  });
  // pg-boss reports background errors as events; an unhandled "error" event would end the process.
  boss.on("error", (error) => process.emitWarning(`pg-boss: ${error.message}`));
  await boss.start();
  if (!(await boss.getQueue(SWEEP_QUEUE))) await boss.createQueue(SWEEP_QUEUE, { name: SWEEP_QUEUE });
  return boss;
}
