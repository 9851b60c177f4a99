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
 * Commit `batch` for session `id` on the writer's connection `sql`. One statement is one round trip and its own
 * transaction, committed (WAL flushed, as `synchronous_commit` says) before PostgreSQL answers: the three round
 * trips of BEGIN, the pipelined writes and COMMIT cost 3-5 times as much on a loaded machine (bench/MEASUREMENTS.md).
 */
export async function writeBatch(sql: Sql, id: string, batch: SealedBatch, where: string): Promise<void> {
  const nodes = split(batch.nodes);
  const decisions = split(batch.decisions);
  const chunks = batch.path?.chunks ?? [];
  const [row] = await sql<{ ok: boolean }[]>`select loom_commit(
    ${id}, ${batch.fromSeq}::bigint, ${batch.toSeq}::bigint, ${batch.head}::text, ${batch.rewriteAll}::boolean,
    ${nodes.ids}::text[], ${nodes.parents}::text[], ${nodes.data}::text, ${nodes.gone}::text[],
    ${decisions.ids}::text[], ${decisions.parents}::text[], ${decisions.data}::text, ${decisions.gone}::text[],
    ${batch.ops.map((o) => o.seq)}::bigint[], ${batch.ops.map((o) => o.op).join(DOCUMENTS)}::text,
    ${batch.path?.fromChunk ?? null}::integer, ${batch.path?.keep ?? null}::integer, ${chunks.map((c) => c.chunk)}::integer[],
    ${chunks.map((c) => c.ids)}::text[], ${chunks.map((c) => c.texts)}::text[], ${chunks.map((c) => c.lengths)}::text[],
    ${[...batch.state.keys()]}::text[], ${[...batch.state.values()].join(DOCUMENTS)}::text,
    ${CHANGES_CHANNEL}::text, ${changePayload(id, batch.toSeq)}::text
  ) as ok`;
  if (row?.ok !== true) {
    throw new IoError(
      "session_broken",
      "this writer no longer holds the session (its connection to PostgreSQL was lost, or the rows moved on); reopen the session",
      { file: where },
    );
  }
}
