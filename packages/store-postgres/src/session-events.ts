// Live events of PostgreSQL sessions: every commit NOTIFYs one channel, and a listener follows one session's commits.
import { LoomOpSchema, type LoomOp } from "@loom/core";
import { parseOrThrow } from "@loom/io/internal";
import type { Sql } from "postgres";
import { reviveOpNodes } from "./node-json.js";

/**
 * One channel for every session: channel names are identifiers of at most 63 bytes, too short for session ids,
 * and a listener filters by id from the payload (a few dozen bytes a commit).
 */
export const CHANGES_CHANNEL = "loom_changes";

/** A commit to a session: its ops up to `seq` are in the database. */
export interface SessionChange {
  sessionId: string;
  seq: number;
}

export function changePayload(id: string, seq: number): string {
  return JSON.stringify({ id, seq });
}

function changeOf(payload: string): SessionChange | null {
  try {
    const p = JSON.parse(payload) as { id?: unknown; seq?: unknown };
    return typeof p.id === "string" && typeof p.seq === "number" ? { sessionId: p.id, seq: p.seq } : null;
  } catch {
    return null;
  }
}

/**
 * Call `onChange` for each commit to session `id` by any process, from when this resolves until the returned stop.
 * The driver listens again on a new connection when the listening one is lost; commits made in between were
 * announced to nobody, so `onResync` is called each time the listening starts again, for the caller to read what
 * it missed (`opsSince`).
 */
export async function listenToSession(
  sql: Sql,
  id: string,
  onChange: (change: SessionChange) => void,
  onResync?: () => void,
): Promise<() => Promise<void>> {
  let started = false;
  const { unlisten } = await sql.listen(
    CHANGES_CHANNEL,
    (payload) => {
      const change = changeOf(payload);
      if (change?.sessionId === id) onChange(change);
    },
    () => {
      // The first call is this listen starting; every later one is the driver listening again after a lost connection.
      if (started) onResync?.();
      started = true;
    },
  );
  return unlisten;
}

/**
 * The ops committed to session `id` after `seq`, in order, or null when some of them are gone (compacted away:
 * the reader must read the session again).
 */
export async function opsSince(
  sql: Sql,
  id: string,
  seq: number,
  where: string,
): Promise<{ seq: number; op: LoomOp }[] | null> {
  const [[head], rows] = await sql.begin("isolation level repeatable read read only", (tx) => [
    tx<{ seq: string }[]>`select seq::text as seq from loom_sessions where id = ${id}`,
    tx<{ seq: string; op: string }[]>`select seq::text as seq, op::text as op from loom_ops
      where session_id = ${id} and loom_ops.seq > ${seq} order by loom_ops.seq`,
  ]);
  if (!head) return null;
  const ops = rows.map((r) => {
    const op: unknown = JSON.parse(r.op);
    reviveOpNodes(op, where, `ops.${r.seq}`);
    return {
      seq: Number(r.seq),
      op: parseOrThrow(LoomOpSchema, op, { file: where, prefix: `ops.${r.seq}` }, "a stored op"),
    };
  });
  const expected = Number(head.seq) - seq;
  // Contiguous and complete up to the session's seq: none was compacted away meanwhile.
  if (ops.length !== expected || ops.some((o, i) => o.seq !== seq + 1 + i)) return null;
  return ops;
}
