// One group commit as one statement (the loom_commit function): fenced on the writer's lock, so it lands whole or not at all, and only from the writer.
import { IoError } from "@loom/io";
import type { Sql } from "postgres";
import { DOCUMENTS, type RowWrite, type SealedBatch } from "./commit-batch.js";
import { CHANGES_CHANNEL, changePayload } from "./session-events.js";

/** Rows as loom_commit takes them: `at` and `length` (0 for a row sent in `data`) say where a row lies in the ops' text. */
function split(rows: Map<string, RowWrite>): {
  ids: string[];
  parents: (string | null)[];
  data: string;
  at: number[];
  length: number[];
  gone: string[];
} {
  const ids: string[] = [];
  const parents: (string | null)[] = [];
  const data: string[] = [];
  const at: number[] = [];
  const length: number[] = [];
  const gone: string[] = [];
  for (const [id, row] of rows) {
    if (row.data === null) gone.push(id);
    else {
      ids.push(id);
      parents.push(row.parent);
      data.push(row.data);
      at.push(row.inOps?.at ?? 0);
      length.push(row.inOps?.length ?? 0);
    }
  }
  return { ids, parents, data: data.join(DOCUMENTS), at, length, gone };
}

/**
 * Let go of a finished query's parameters (the commit's documents, ~20 KB a decision). postgres.js keeps its
 * finished queries reachable in a way only the young-generation collector sees (they are garbage to a full
 * collection), so every commit's documents survived each scavenge and were promoted: with 300 queries of 8 KB
 * parameters, 8.7 of 15.5 MB allocated between scavenges survived, and clearing `args` and `parameters` took that
 * to 0.2 MB (bench/MEASUREMENTS.md). A scavenge's pause grows with what survives it.
 */
export function dropParameters(query: object): void {
  const q = query as { args?: unknown; parameters?: unknown };
  if (Array.isArray(q.args)) q.args = [];
  if (Array.isArray(q.parameters)) q.parameters = [];
}

/**
 * loom_commit's call as one constant text, prepared once per connection: a tagged template's text is put together
 * again from its 26 pieces on every query (postgres.js's stringify: ~4 KB a commit).
 */
const COMMIT = `select loom_commit($1, $2::bigint, $3::bigint, $4::text, $5::boolean,
  $6::text[], $7::text[], $8::text, $9::integer[], $10::integer[], $11::text[],
  $12::text[], $13::text[], $14::text, $15::text[],
  $16::bigint[], $17::text, $18::integer, $19::integer, $20::integer[], $21::text[], $22::text[], $23::text[],
  $24::text[], $25::text, $26::text, $27::text) as ok`;

/**
 * Commit `batch` for session `id` on the writer's connection `sql`. One statement is one round trip and its own
 * transaction, committed (WAL flushed, as `synchronous_commit` says) before PostgreSQL answers: the three round
 * trips of BEGIN, the pipelined writes and COMMIT cost 3-5 times as much on a loaded machine (bench/MEASUREMENTS.md).
 */
export async function writeBatch(sql: Sql, id: string, batch: SealedBatch, where: string): Promise<void> {
  const nodes = split(batch.nodes);
  const decisions = split(batch.decisions);
  const chunks = batch.path?.chunks ?? [];
  const query = sql.unsafe<{ ok: boolean }[]>(
    COMMIT,
    [
      id,
      batch.fromSeq,
      batch.toSeq,
      batch.head,
      batch.rewriteAll,
      nodes.ids,
      nodes.parents,
      nodes.data,
      nodes.at,
      nodes.length,
      nodes.gone,
      decisions.ids,
      decisions.parents,
      decisions.data,
      decisions.gone,
      batch.opSeqs,
      batch.ops,
      batch.path?.fromChunk ?? null,
      batch.path?.keep ?? null,
      chunks.map((c) => c.chunk),
      chunks.map((c) => c.ids),
      chunks.map((c) => c.texts),
      chunks.map((c) => c.lengths),
      [...batch.state.keys()],
      [...batch.state.values()].join(DOCUMENTS),
      CHANGES_CHANNEL,
      changePayload(id, batch.toSeq),
    ] as never[],
    { prepare: true },
  );
  const [row] = await query.finally(() => dropParameters(query));
  if (row?.ok !== true) {
    throw new IoError(
      "session_broken",
      "this writer no longer holds the session (its connection to PostgreSQL was lost, the rows moved on, or a pooler in transaction mode ran this commit on another server connection than the lock's); reopen the session",
      { file: where },
    );
  }
}
