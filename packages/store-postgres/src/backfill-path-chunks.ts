// Schema version 3's data step: the path rows of version 2 (one per depth) become chunks of PATH_CHUNK entries, then go.
import { IoError } from "@loom/io";
import type { TransactionSql } from "postgres";
import { insertPathChunks, PATH_CHUNK, pathChunks } from "./path-rows.js";

/** Chunks built per read: a bounded window of rows however deep a path is. */
const CHUNKS_PER_READ = 64;

/** Turn every session's `loom_path` rows into `loom_path_chunks`, inside the migration's transaction `tx`. */
export async function backfillPathChunks(tx: TransactionSql, where: string): Promise<void> {
  // A damaged row stops the migration (nothing of it is kept) and is named, rather than written as a wrong path.
  const damaged = (id: string, depth: number, what: string) =>
    new IoError("invalid_field", `cannot move session "${id}" to schema version 3: ${what}`, {
      file: `${where}#${id}`,
      field: `loom_path.${depth}`,
    });
  const sessions = await tx<{ id: string }[]>`select distinct session_id as id from loom_path`;
  const span = PATH_CHUNK * CHUNKS_PER_READ;
  for (const { id } of sessions) {
    for (let from = 0; ; from += span) {
      const rows = await tx<{ depth: number; node: string; text: string }[]>`select depth, node_id as node,
        text_json as text from loom_path where session_id = ${id} and depth >= ${from} and depth < ${from + span}
        order by depth`;
      if (rows.length === 0) break;
      // Texts are parsed here, not by SQL's JSON operators: those refuse a \u0000, which a text may hold.
      const textOf = new Map<string, string>();
      const ids = rows.map((r, i) => {
        if (r.depth !== from + i) throw damaged(id, from + i, "its path has no row at this depth");
        let text: unknown;
        try {
          text = JSON.parse(r.text);
        } catch {}
        if (typeof text !== "string") throw damaged(id, r.depth, "the path row's text is not a JSON string");
        textOf.set(r.node, text);
        return r.node;
      });
      await insertPathChunks(
        tx,
        id,
        pathChunks(ids, (n) => textOf.get(n)!, from / PATH_CHUNK),
      );
      if (rows.length < span) break;
    }
  }
  await tx`drop table loom_path`;
}
