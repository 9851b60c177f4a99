// One group commit as one statement (the loom_commit function): fenced on the writer's lock, so it lands whole or not at all, and only from the writer.
import { IoError } from "@loom/io";
import type { Sql } from "postgres";
import type { RowWrite, SealedBatch } from "./commit-batch.js";
import { CHANGES_CHANNEL, changePayload } from "./session-events.js";

/**
 * Between two JSON documents in one text parameter (loom_commit splits on it): JSON text never holds a character
 * below U+0020, so this one cannot occur inside a document. A text[] would be sent as an array literal with every
 * quote of the JSON escaped (schema version 4's migration says what that cost).
 */
const DOCUMENTS = "\u001e";

function split(rows: Map<string, RowWrite>): {
  ids: string[];
  parents: (string | null)[];
  data: string;
  gone: string[];
} {
  const ids: string[] = [];
  const parents: (string | null)[] = [];
  const data: string[] = [];
  const gone: string[] = [];
  for (const [id, row] of rows) {
    if (row.data === null) gone.push(id);
    else {
      ids.push(id);
      parents.push(row.parent);
      data.push(row.data);
    }
  }
  return { ids, parents, data: data.join(DOCUMENTS), gone };
}

/**
 * Let go of a finished query's parameters (the commit's documents, ~20 KB a decision). postgres.js keeps its
 * finished queries reachable in a way only the young-generation collector sees (they are garbage to a full
 * collection), so every commit's documents survived each scavenge and were promoted: with 300 queries of 8 KB
 * parameters, 8.7 of 15.5 MB allocated between scavenges survived, and clearing `args` and `parameters` took that
 * to 0.2 MB (bench/MEASUREMENTS.md). A scavenge's pause grows with what survives it.
 */
function dropParameters(query: object): void {
  const q = query as { args?: unknown; parameters?: unknown };
  if (Array.isArray(q.args)) q.args = [];
  if (Array.isArray(q.parameters)) q.parameters = [];
}

/**
 * Commit `batch` for session `id` on the writer's connection `sql`. One statement is one round trip and its own
 * transaction, committed (WAL flushed, as `synchronous_commit` says) before PostgreSQL answers: the three round
 * trips of BEGIN, the pipelined writes and COMMIT cost 3-5 times as much on a loaded machine (bench/MEASUREMENTS.md).
 */
export async function writeBatch(sql: Sql, id: string, batch: SealedBatch, where: string): Promise<void> {
  const nodes = split(batch.nodes);
  const decisions = split(batch.decisions);
  const chunks = batch.path?.chunks ?? [];
  const query = sql<{ ok: boolean }[]>`select loom_commit(
    ${id}, ${batch.fromSeq}::bigint, ${batch.toSeq}::bigint, ${batch.head}::text, ${batch.rewriteAll}::boolean,
    ${nodes.ids}::text[], ${nodes.parents}::text[], ${nodes.data}::text, ${nodes.gone}::text[],
    ${decisions.ids}::text[], ${decisions.parents}::text[], ${decisions.data}::text, ${decisions.gone}::text[],
    ${batch.ops.map((o) => o.seq)}::bigint[], ${batch.ops.map((o) => o.op).join(DOCUMENTS)}::text,
    ${batch.path?.fromChunk ?? null}::integer, ${batch.path?.keep ?? null}::integer, ${chunks.map((c) => c.chunk)}::integer[],
    ${chunks.map((c) => c.ids)}::text[], ${chunks.map((c) => c.texts)}::text[], ${chunks.map((c) => c.lengths)}::text[],
    ${[...batch.state.keys()]}::text[], ${[...batch.state.values()].join(DOCUMENTS)}::text,
    ${CHANGES_CHANNEL}::text, ${changePayload(id, batch.toSeq)}::text
  ) as ok`;
  const [row] = await query.finally(() => dropParameters(query));
  if (row?.ok !== true) {
    throw new IoError(
      "session_broken",
      "this writer no longer holds the session (its connection to PostgreSQL was lost, or the rows moved on); reopen the session",
      { file: where },
    );
  }
}
