// One group commit as one transaction: fenced on the writer's lock, so it lands whole or not at all, and only from the writer.
import { IoError } from "@loom/io";
import type { Sql, TransactionSql } from "postgres";
import type { CommitBatch } from "./commit-batch.js";
import { CHANGES_CHANNEL, changePayload } from "./session-events.js";

type Rows = Map<string, { parent: string | null; data: string | null }>;

function split(rows: Rows): { ids: string[]; parents: (string | null)[]; data: string[]; gone: string[] } {
  const out = { ids: [] as string[], parents: [] as (string | null)[], data: [] as string[], gone: [] as string[] };
  for (const [id, row] of rows) {
    if (row.data === null) out.gone.push(id);
    else {
      out.ids.push(id);
      out.parents.push(row.parent);
      out.data.push(row.data);
    }
  }
  return out;
}

function writeRows(tx: TransactionSql, table: "loom_nodes" | "loom_decisions", id: string, rows: Rows, all: boolean) {
  const parentColumn = table === "loom_nodes" ? "parent_id" : "parent_node_id";
  const r = split(rows);
  const queries = [];
  if (all) queries.push(tx`delete from ${tx(table)} where session_id = ${id}`);
  else if (r.gone.length)
    queries.push(tx`delete from ${tx(table)} where session_id = ${id} and id = any(${r.gone}::text[])`);
  if (r.ids.length) {
    queries.push(tx`insert into ${tx(table)} (session_id, id, ${tx(parentColumn)}, data)
      select ${id}, t.id, t.parent, t.data::json from unnest(${r.ids}::text[], ${r.parents}::text[], ${r.data}::text[]) as t(id, parent, data)
      on conflict (session_id, id) do update set ${tx(parentColumn)} = excluded.${tx(parentColumn)}, data = excluded.data`);
  }
  return queries;
}

/** Commit `batch` for session `id` in one transaction on the writer's connection `sql`. */
export async function writeBatch(sql: Sql, id: string, batch: CommitBatch, where: string): Promise<void> {
  await sql.begin(async (tx) => {
    // The fence: this connection still holds the lock and the rows are at the seq this writer expects. It is sent
    // with the writes, not before them (one round trip fewer): when it fails, throwing rolls them all back.
    const fence = tx`update loom_sessions set seq = ${batch.toSeq}, head = coalesce(${batch.head}::text::json, head)
      where id = ${id} and writer_backend = pg_backend_pid() and seq = ${batch.fromSeq} returning 1`;
    const queries = [
      ...writeRows(tx, "loom_nodes", id, batch.nodes, batch.rewriteAll),
      ...writeRows(tx, "loom_decisions", id, batch.decisions, batch.rewriteAll),
    ];
    if (batch.ops.length) {
      queries.push(tx`insert into loom_ops (session_id, seq, op)
        select ${id}, t.seq, t.op::json from unnest(${batch.ops.map((o) => o.seq)}::bigint[], ${batch.ops.map((o) => o.op)}::text[]) as t(seq, op)`);
    }
    if (batch.path) {
      const p = batch.path;
      // Pipelined on one connection: the delete runs before the insert.
      queries.push(tx`delete from loom_path where session_id = ${id} and depth >= ${p.from}`);
      if (p.ids.length) {
        queries.push(tx`insert into loom_path (session_id, depth, node_id, text_json)
          select ${id}, ${p.from}::integer + t.ord::integer - 1, t.node, t.text
          from unnest(${p.ids}::text[], ${p.textsJson}::text[]) with ordinality as t(node, text, ord)`);
      }
    }
    if (batch.state.size) {
      queries.push(tx`insert into loom_state (session_id, name, value)
        select ${id}, t.name, t.value::json from unnest(${[...batch.state.keys()]}::text[], ${[...batch.state.values()]}::text[]) as t(name, value)
        on conflict (session_id, name) do update set value = excluded.value`);
    }
    // Delivered to every listener when the transaction commits, and only if it does.
    queries.push(tx`select pg_notify(${CHANGES_CHANNEL}, ${changePayload(id, batch.toSeq)})`);
    const [fenced, ...writes] = await Promise.allSettled([fence, ...queries]);
    if (fenced!.status === "rejected") throw fenced!.reason;
    if (fenced!.value.length !== 1) {
      throw new IoError(
        "session_broken",
        "this writer no longer holds the session (its connection to PostgreSQL was lost, or the rows moved on); reopen the session",
        { file: where },
      );
    }
    for (const w of writes) if (w.status === "rejected") throw w.reason;
  });
}
