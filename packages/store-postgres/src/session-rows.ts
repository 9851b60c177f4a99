// A loom read back from its rows: the head, then nodes and decisions in the order they were added, validated.
import { LoomSchema, type Loom } from "@loom/core";
import { parseLoomFast } from "@loom/core/internal";
import { IoError } from "@loom/io";
import { parseOrThrow } from "@loom/io/internal";
import type { Sql } from "postgres";
import { reviveNodeTokens } from "./node-json.js";

export interface StoredSession {
  loom: Loom;
  seq: number;
}

/** Read session `id` (null if there is none); the loom is validated like a snapshot, errors naming `where`. */
export async function readSessionRows(sql: Sql, id: string, where: string): Promise<StoredSession | null> {
  // One snapshot of all three tables: a writer committing meanwhile is either wholly in or wholly out.
  const [session, path, nodes, decisions] = await sql.begin("isolation level repeatable read read only", (tx) => [
    tx<
      { seq: string; head: string }[]
    >`select seq::text as seq, head::text as head from loom_sessions where id = ${id}`,
    tx<
      { ids: string | null }[]
    >`select string_agg(ids, ',' order by chunk, part) as ids from loom_path_chunks where session_id = ${id}`,
    tx<
      { id: string; data: string }[]
    >`select id, data::text as data from loom_nodes where session_id = ${id} order by ord`,
    tx<
      { id: string; data: string }[]
    >`select id, data::text as data from loom_decisions where session_id = ${id} order by ord`,
  ]);
  const row = session[0];
  if (!row) return null;
  // The path rows are the current path (a head written before them may still carry a stale copy).
  const currentPath: unknown = JSON.parse(`[${path[0]?.ids ?? ""}]`);
  const loom = { ...JSON.parse(row.head), currentPath, nodes: {}, decisions: {} } as Loom;
  for (const n of nodes) {
    const node: unknown = JSON.parse(n.data);
    reviveNodeTokens(node, where, `nodes.${n.id}`);
    loom.nodes[n.id] = node as Loom["nodes"][string];
  }
  for (const d of decisions) loom.decisions[d.id] = JSON.parse(d.data);
  return {
    // zod only when the fast check finds something wrong: it names the field.
    loom: parseLoomFast(loom) ?? parseOrThrow(LoomSchema, loom, { file: where, prefix: "loom" }, "the stored session"),
    seq: Number(row.seq),
  };
}

export function notASession(id: string, where: string): IoError {
  return new IoError("not_a_session", `no session "${id}" in this database`, {
    file: where,
    expected: "a session made by loom (or moved there by `loom migrate`)",
  });
}
