// Reads of a PostgreSQL session that do not load the loom: the current path with its text and the open decision, a node's children, one node.
import { DecisionEventSchema, NodeSchema, type DecisionEvent, type LoomNode } from "@loom/core";
import { parseDecisionFast, parseNodeFast } from "@loom/core/internal";
import { IoError } from "@loom/io";
import { parseOrThrow } from "@loom/io/internal";
import type { Sql } from "postgres";
import { notASession } from "./session-rows.js";

/** What `loom show` needs of a session: read from the path rows and the decisions under the tip, never the whole loom. */
export interface PathView {
  sessionId: string;
  /** The seq of the last committed op this view is as of. */
  seq: number;
  /** Node ids of the current path, root … tip. */
  path: string[];
  /** The length of each path node's own text, in the same order. */
  segments: number[];
  /** The current path's text. */
  text: string;
  /** The decision open at the tip (candidates offered, none chosen yet) with its candidates, or null. */
  open: { decision: DecisionEvent; candidates: LoomNode[] } | null;
}

function nodeOf(raw: string, where: string, field: string): LoomNode {
  const value: unknown = JSON.parse(raw);
  return parseNodeFast(value) ?? parseOrThrow(NodeSchema, value, { file: where, prefix: field }, "a stored node");
}

function decisionOf(raw: unknown, where: string, field: string): DecisionEvent {
  return (
    parseDecisionFast(raw) ??
    parseOrThrow(DecisionEventSchema, raw, { file: where, prefix: field }, "a stored decision")
  );
}

function damaged(where: string, field: string, what: string): IoError {
  return new IoError("invalid_field", `the stored session is invalid: ${what}`, { file: where, field });
}

/** The current path, its text and the open decision at its tip, as of one snapshot of the rows. */
export async function readPathView(sql: Sql, id: string, where: string): Promise<PathView> {
  const [[row], candidates] = await sql.begin("isolation level repeatable read read only", async (tx) => {
    // The path as one JSON array [id, text, id, text, …] (the texts are stored as JSON string literals): one sort
    // of the rows, one JSON.parse. No JSON operator touches a stored document: PostgreSQL's refuse any document
    // holding a \u0000, which a loom may.
    const rows = await tx<{ seq: string; head: string; pairs: string | null; under: string | null }[]>`
      select s.seq::text as seq, s.head::text as head, p.pairs,
        (select '[' || string_agg(d.data::text, ',' order by d.ord) || ']' from loom_decisions d
          where d.session_id = s.id
            and d.parent_node_id = (select t.node_id from loom_path t where t.session_id = s.id order by t.depth desc limit 1)
        ) as under
      from loom_sessions s
      left join lateral (
        select '[' || string_agg(to_json(node_id)::text || ',' || text_json, ',' order by depth) || ']' as pairs
        from loom_path where session_id = s.id
      ) p on true
      where s.id = ${id}`;
    const under = rows[0]?.under
      ? (JSON.parse(rows[0].under) as { action?: unknown; candidateNodeIds?: unknown }[])
      : [];
    const open = under.find((d) => d.action === null || d.action === undefined);
    const ids = Array.isArray(open?.candidateNodeIds) ? open.candidateNodeIds.filter((c) => typeof c === "string") : [];
    const nodes = ids.length
      ? await tx<{ id: string; data: string }[]>`select id, data::text as data from loom_nodes
          where session_id = ${id} and id = any(${ids}::text[])`
      : [];
    return [rows, { open, nodes }] as const;
  });
  if (!row) throw notASession(id, where);
  const sessionId: unknown = (JSON.parse(row.head) as { sessionId?: unknown }).sessionId;
  if (typeof sessionId !== "string") throw damaged(where, "head.sessionId", "the head has no session id");
  let pairs: unknown[];
  try {
    pairs = row.pairs ? (JSON.parse(row.pairs) as unknown[]) : [];
  } catch {
    throw damaged(where, "path", "a path row's text is not a JSON string");
  }
  if (pairs.length === 0) throw damaged(where, "path", "the current path has no rows");
  const path: string[] = [];
  const texts: string[] = [];
  const segments: number[] = [];
  for (let i = 0; i < pairs.length; i += 2) {
    const nodeId = pairs[i];
    const t = pairs[i + 1];
    if (typeof t !== "string" || typeof nodeId !== "string")
      throw damaged(where, `path.${i / 2}`, "a path row is not a node id and its text");
    path.push(nodeId);
    texts.push(t);
    segments.push(t.length);
  }
  let open: PathView["open"] = null;
  if (candidates.open) {
    const decision = decisionOf(candidates.open, where, "decisions");
    const byId = new Map(candidates.nodes.map((n) => [n.id, n.data]));
    open = {
      decision,
      candidates: decision.candidateNodeIds.map((c) => {
        const data = byId.get(c);
        if (data === undefined)
          throw damaged(where, `decisions.${decision.id}.candidateNodeIds`, `candidate ${c} has no row`);
        return nodeOf(data, where, `nodes.${c}`);
      }),
    };
  }
  return {
    sessionId,
    seq: Number(row.seq),
    path,
    segments,
    text: texts.join(""),
    open,
  };
}

/** The children of node `nodeId`, in the order they were added. */
export async function readChildren(sql: Sql, id: string, nodeId: string, where: string): Promise<LoomNode[]> {
  const rows = await sql<{ id: string; data: string }[]>`select id, data::text as data from loom_nodes
    where session_id = ${id} and parent_id = ${nodeId} order by ord`;
  return rows.map((r) => nodeOf(r.data, where, `nodes.${r.id}`));
}

/** Node `nodeId`, or null when the session has none by that id. */
export async function readNode(sql: Sql, id: string, nodeId: string, where: string): Promise<LoomNode | null> {
  const [row] = await sql<{ data: string }[]>`select data::text as data from loom_nodes
    where session_id = ${id} and id = ${nodeId}`;
  return row ? nodeOf(row.data, where, `nodes.${nodeId}`) : null;
}
