// Schema version 2's data step: the path rows of sessions written by version 1, from the path their head carried.
import type { TransactionSql } from "postgres";

/** Path nodes read per query: bounded however deep a path is. */
const CHUNK = 1000;

/** Fill `loom_path` for every session that has no rows there yet, inside the migration's transaction `tx`. */
export async function backfillPathRows(tx: TransactionSql): Promise<void> {
  // Heads are parsed here, not by SQL's JSON operators: those refuse a document holding a \u0000 anywhere.
  const sessions = await tx<{ id: string }[]>`select s.id from loom_sessions s
    where not exists (select 1 from loom_path p where p.session_id = s.id)`;
  for (const { id } of sessions) {
    const [row] = await tx<{ head: string }[]>`select head::text as head from loom_sessions where id = ${id}`;
    const path = (JSON.parse(row!.head) as { currentPath?: unknown }).currentPath;
    if (!Array.isArray(path)) continue; // Left to the loom's own validation on read, which names it.
    for (let at = 0; at < path.length; at += CHUNK) {
      const ids = path.slice(at, at + CHUNK).map(String);
      const nodes = await tx<{ id: string; data: string }[]>`select id, data::text as data from loom_nodes
        where session_id = ${id} and id = any(${ids}::text[])`;
      const textOf = new Map(
        nodes.map((n) => [n.id, JSON.stringify((JSON.parse(n.data) as { text?: unknown }).text ?? "")]),
      );
      // A path entry without its node is left to the loom's own validation on read, which names it.
      const texts = ids.map((nodeId) => textOf.get(nodeId) ?? '""');
      await tx`insert into loom_path (session_id, depth, node_id, text_json)
        select ${id}, ${at}::integer + t.ord::integer - 1, t.node, t.text
        from unnest(${ids}::text[], ${texts}::text[]) with ordinality as t(node, text, ord)`;
    }
  }
}
