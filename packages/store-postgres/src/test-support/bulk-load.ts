// Loads a big loom into the PostgreSQL store's tables with COPY, for benchmarks: a million nodes in one stream, not a million commits.
import { once } from "node:events";
import type { Writable } from "node:stream";
import type { Loom } from "@loom/core";
import { pgClient } from "../connect.js";
import { postgresSessionStore } from "../index.js";
import { pathChunks } from "../path-rows.js";

const COPY_ESCAPES: Record<string, string> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** COPY's text format: a backslash is its escape character, and tabs and line ends separate fields and rows. */
const field = (value: string | null): string =>
  value === null ? "\\N" : value.replace(/[\\\n\r\t]/g, (c) => COPY_ESCAPES[c]!);

async function copyRows(stream: Writable, rows: Iterable<(string | null)[]>): Promise<void> {
  for (const row of rows) {
    if (!stream.write(`${row.map(field).join("\t")}\n`)) await once(stream, "drain");
  }
  stream.end();
  await once(stream, "finish");
}

/**
 * Write `loom` as session `id` of the database at `url` (schema migrated first, through the store), in the rows
 * the store itself writes: the head, nodes and decisions in insertion order, the current path with its texts.
 */
export async function bulkLoadSession(url: string, id: string, loom: Loom): Promise<void> {
  const store = postgresSessionStore(url);
  await store.list().finally(() => store.close());
  const sql = pgClient(url, { max: 1, onnotice: () => {} });
  try {
    await sql.begin(async (tx) => {
      const { nodes, decisions, currentPath, ...head } = loom;
      await tx`insert into loom_sessions (id, head) values (${id}, ${JSON.stringify(head)}::text::json)`;
      const copy = async (table: string, rows: Iterable<(string | null)[]>) =>
        copyRows(await tx.unsafe(`copy ${table} from stdin`).writable(), rows);
      await copy(
        "loom_nodes (session_id, id, parent_id, data)",
        (function* () {
          for (const n of Object.values(nodes)) yield [id, n.id, n.parentId, JSON.stringify(n)];
        })(),
      );
      await copy(
        "loom_decisions (session_id, id, parent_node_id, data)",
        (function* () {
          for (const d of Object.values(decisions)) yield [id, d.id, d.parentNodeId, JSON.stringify(d)];
        })(),
      );
      await copy(
        "loom_path_chunks (session_id, chunk, ids, texts, lengths)",
        (function* () {
          for (const c of pathChunks(currentPath, (n) => nodes[n]!.text, 0))
            yield [id, String(c.chunk), c.ids, c.texts, c.lengths];
        })(),
      );
    });
    // A session that grew through commits has been vacuumed and analyzed by autovacuum long before anyone opens it.
    // Freshly COPYed rows have neither statistics (the planner may scan the decisions instead of using their index)
    // nor hint bits, and autovacuum then works on them while the shows are timed: 3.5-5.5 s a show right after the
    // COPY against 0.35-0.52 s once settled (bench/MEASUREMENTS.md).
    await sql.unsafe("vacuum (analyze) loom_sessions, loom_nodes, loom_decisions, loom_path_chunks");
  } finally {
    await sql.end({ timeout: 5 });
  }
}
