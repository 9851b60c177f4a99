// Reads of a PostgreSQL session that do not load the loom: the current path with its text and the open decision, a node's children, one node.
import {
  DecisionEventSchema,
  NodeSchema,
  sessionSummaryOfParts,
  type DecisionEvent,
  type LoomNode,
  type SessionSummary,
} from "@loom/core";
import { parseDecisionFast, parseNodeFast } from "@loom/core/internal";
import { IoError } from "@loom/io";
import { parseOrThrow } from "@loom/io/internal";
import type { Sql } from "postgres";
import { reviveNodeTokens } from "./node-json.js";
import { PATH_CHUNK } from "./path-rows.js";
import { decodePathText } from "./path-text.js";
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
  reviveNodeTokens(value, where, field);
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

/** One row of `loom_path_chunks` as read: a chunk, or the part of one starting at its entry `part` (schema 8). */
interface ChunkRow {
  chunk: number;
  part: number;
  ids: string;
  texts: string;
  lengths: string;
}

/** The path as its chunks hold it: ids, each text's length, and the text; errors name the chunk that is wrong. */
function assemblePath(rows: ChunkRow[], where: string): { path: string[]; segments: number[]; text: string } {
  const path: string[] = [];
  const segments: number[] = [];
  const texts: string[] = [];
  let chunk = -1;
  /** Entries of `chunk` in the rows so far: a part starts there, and every chunk but the last ends full. */
  let filled = 0;
  const disagree = (field: string) => damaged(where, field, "its node ids, texts and lengths do not agree");
  for (const c of rows) {
    if (c.chunk !== chunk) {
      if (chunk >= 0 && filled !== PATH_CHUNK) throw disagree(`path.chunks.${chunk}`);
      chunk++;
      filled = 0;
      if (c.chunk !== chunk) throw damaged(where, `path.chunks.${chunk}`, `chunk ${chunk} is missing`);
    }
    const field = c.part === 0 ? `path.chunks.${chunk}` : `path.chunks.${chunk}.${c.part}`;
    if (c.part !== filled)
      throw damaged(
        where,
        field,
        `it starts at entry ${c.part} of its chunk, where the rows before it end at ${filled}`,
      );
    let ids: unknown[];
    let lengths: unknown[];
    try {
      ids = JSON.parse(`[${c.ids}]`) as unknown[];
      lengths = JSON.parse(`[${c.lengths}]`) as unknown[];
    } catch {
      throw damaged(where, field, "its node ids or lengths are not lists of JSON strings and numbers");
    }
    const text = decodePathText(c.texts);
    if (text === null) throw damaged(where, `${field}.texts`, "the texts hold an escape Loom never writes");
    let total = 0;
    for (const n of lengths) total += Number.isInteger(n) && (n as number) >= 0 ? (n as number) : Number.NaN;
    filled += ids.length;
    if (ids.length === 0 || filled > PATH_CHUNK || lengths.length !== ids.length || total !== text.length)
      throw disagree(field);
    for (const id of ids) {
      if (typeof id !== "string") throw damaged(where, field, "a node id is not a string");
      path.push(id);
    }
    for (const n of lengths) segments.push(n as number);
    texts.push(text);
  }
  return { path, segments, text: texts.join("") };
}

/** Read the chunks one by one to name the one that is wrong (the joined read found the totals disagreeing). */
async function damagedPath(sql: Sql, id: string, where: string): Promise<never> {
  const chunks = await sql<ChunkRow[]>`select chunk, part, ids, texts, lengths from loom_path_chunks
    where session_id = ${id} order by chunk, part`;
  assemblePath(chunks, where);
  throw damaged(where, "path", "its chunks' ids, texts and lengths do not add up");
}

/** The path's chunks joined in the server, in chunk order: one row however deep the path (see readPathView). */
interface JoinedPath {
  /** Rows, and chunks (their first rows: a chunk's parts are its rows after the first, schema 8). */
  rows: number;
  n: number;
  first: number | null;
  last: number | null;
  ids: string | null;
  texts: string | null;
  lengths: string | null;
}

/**
 * The path from its chunks joined in the server, or null when the totals do not agree (a damaged row: the caller
 * reads the chunks one by one to name it). Joined, the texts are one string and the ids and lengths one JSON parse
 * each, rather than ~1,000 rows of each: half the client's CPU for a 125,000-entry path (bench/MEASUREMENTS.md).
 */
function joinedPath(row: JoinedPath): { path: string[]; segments: number[]; text: string } | null {
  if (row.first !== 0 || row.last !== row.n - 1 || row.texts === null) return null;
  let ids: unknown[];
  let lengths: unknown[];
  try {
    ids = JSON.parse(`[${row.ids}]`) as unknown[];
    lengths = JSON.parse(`[${row.lengths}]`) as unknown[];
  } catch {
    return null;
  }
  // Every chunk but the last is full (path-rows.ts), so the count of entries tells how many chunks hold them.
  if (ids.length <= (row.n - 1) * PATH_CHUNK || ids.length > row.n * PATH_CHUNK || lengths.length !== ids.length)
    return null;
  const text = decodePathText(row.texts);
  if (text === null) return null;
  let total = 0;
  for (const n of lengths) {
    if (!Number.isInteger(n) || (n as number) < 0) return null;
    total += n as number;
  }
  if (total !== text.length) return null;
  for (const id of ids) if (typeof id !== "string") return null;
  return { path: ids as string[], segments: lengths as number[], text };
}

/** The current path, its text and the open decision at its tip, as of one snapshot of the rows. */
export async function readPathView(sql: Sql, id: string, where: string): Promise<PathView> {
  const [[row], [joined], candidates] = await sql.begin("isolation level repeatable read read only", async (tx) => {
    // The path is ~depth / 128 chunk rows (path-rows.ts), joined in chunk order by the server into one row: the
    // texts stored raw but for a few escapes (path-text.ts), no JSON of them. The tip is the last id of the last
    // chunk (ids never hold the \u0000 that PostgreSQL's JSON operators refuse).
    const [joined, rows] = await Promise.all([
      tx<JoinedPath[]>`select count(*)::int as rows, (count(*) filter (where part = 0))::int as n,
        min(chunk) as first, max(chunk) as last,
        string_agg(ids, ',' order by chunk, part) as ids, string_agg(texts, '' order by chunk, part) as texts,
        string_agg(lengths, ',' order by chunk, part) as lengths
        from loom_path_chunks where session_id = ${id}`,
      tx<{ seq: string; head: string; under: string | null }[]>`
      select s.seq::text as seq, s.head::text as head,
        (select '[' || string_agg(d.data::text, ',' order by d.ord) || ']' from loom_decisions d
          where d.session_id = s.id
            and d.parent_node_id = (select ('[' || c.ids || ']')::json ->> -1 from loom_path_chunks c
              where c.session_id = s.id order by c.chunk desc, c.part desc limit 1)
        ) as under
      from loom_sessions s
      where s.id = ${id}`,
    ]);
    const under = rows[0]?.under
      ? (JSON.parse(rows[0].under) as { action?: unknown; candidateNodeIds?: unknown }[])
      : [];
    const open = under.find((d) => d.action === null || d.action === undefined);
    const ids = Array.isArray(open?.candidateNodeIds) ? open.candidateNodeIds.filter((c) => typeof c === "string") : [];
    const nodes = ids.length
      ? await tx<{ id: string; data: string }[]>`select id, data::text as data from loom_nodes
          where session_id = ${id} and id = any(${ids}::text[])`
      : [];
    return [rows, joined, { open, nodes }] as const;
  });
  if (!row) throw notASession(id, where);
  const sessionId: unknown = (JSON.parse(row.head) as { sessionId?: unknown }).sessionId;
  if (typeof sessionId !== "string") throw damaged(where, "head.sessionId", "the head has no session id");
  if (!joined || joined.rows === 0) throw damaged(where, "path", "the current path has no rows");
  const { path, segments, text } = joinedPath(joined) ?? (await damagedPath(sql, id, where));
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
    text,
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

/** One session's row of `readSummaries`, as the query returns it. */
interface SummaryRow {
  id: string;
  head: string;
  nodes: number;
  decisions: number;
  seed: string | null;
  last_chunk: number | null;
  /** The entry of its chunk the last row starts at (schema 8: a chunk not yet full may be several rows). */
  last_part: number | null;
  last_ids: string | null;
  under: string | null;
}

/**
 * What a list of sessions shows of each (title, seed, size, state), for every session in one query: counts, the
 * root's text, the last path chunk (the tip and the depth) and the decisions under the tip, never the nodes' rows
 * or the path's text. A session whose rows are damaged gets its error in place of a summary.
 */
export async function readSummaries(
  sql: Sql,
  whereOf: (id: string) => string,
): Promise<{ id: string; summary: SessionSummary | Error }[]> {
  // Without JIT: the planner's estimate for many sessions switches it on, and compiling took 1.9 s of a 2.4 s
  // query over 50 sessions (the query itself is index lookups).
  const rows = await sql.begin(async (tx) => {
    await tx`set local jit = off`;
    return tx<SummaryRow[]>`
    select s.id, s.head::text as head,
      (select count(*)::int from loom_nodes n where n.session_id = s.id) as nodes,
      (select count(*)::int from loom_decisions d where d.session_id = s.id) as decisions,
      (select n.data ->> 'text' from loom_nodes n where n.session_id = s.id and n.id = s.head ->> 'rootId') as seed,
      t.chunk as last_chunk, t.part as last_part, t.ids as last_ids,
      (select '[' || string_agg(d.data::text, ',' order by d.ord) || ']' from loom_decisions d
        where d.session_id = s.id and d.parent_node_id = ('[' || t.ids || ']')::json ->> -1) as under
    from loom_sessions s
    left join lateral (select c.chunk, c.part, c.ids from loom_path_chunks c where c.session_id = s.id
      order by c.chunk desc, c.part desc limit 1) t on true
    order by s.id`;
  });
  return rows.map((row) => {
    try {
      return { id: row.id, summary: summaryOf(row, whereOf(row.id)) };
    } catch (error) {
      return { id: row.id, summary: error instanceof Error ? error : new Error(String(error)) };
    }
  });
}

function summaryOf(row: SummaryRow, where: string): SessionSummary {
  const head = JSON.parse(row.head) as { sessionId?: unknown; brief?: { title?: unknown }; createdAt?: unknown };
  if (typeof head.sessionId !== "string") throw damaged(where, "head.sessionId", "the head has no session id");
  if (typeof head.createdAt !== "string") throw damaged(where, "head.createdAt", "the head has no creation time");
  if (row.seed === null) throw damaged(where, "head.rootId", "the root node has no row");
  if (row.last_chunk === null || row.last_ids === null) throw damaged(where, "path", "the current path has no rows");
  let ids: unknown[];
  try {
    ids = JSON.parse(`[${row.last_ids}]`) as unknown[];
  } catch {
    throw damaged(where, `path.chunks.${row.last_chunk}`, "its node ids are not a list of JSON strings");
  }
  const tip = ids[ids.length - 1];
  if (typeof tip !== "string") throw damaged(where, `path.chunks.${row.last_chunk}`, "it holds no node ids");
  const under = row.under
    ? (JSON.parse(row.under) as unknown[]).map((d, i) => decisionOf(d, where, `decisions under ${tip} (${i})`))
    : [];
  const open =
    under.find((d) => d.action === null) ??
    under.find((d) => d.action === "clarify" && d.humanResponse === null) ??
    null;
  return sessionSummaryOfParts({
    sessionId: head.sessionId,
    title: typeof head.brief?.title === "string" ? head.brief.title : null,
    createdAt: head.createdAt,
    seed: row.seed,
    // Every chunk but the last is full (path-rows.ts).
    tip,
    steps: row.last_chunk * PATH_CHUNK + (row.last_part ?? 0) + ids.length - 1,
    nodes: row.nodes,
    decisions: row.decisions,
    openAtTip: open,
    latest: under.filter((d) => d.action !== null),
  });
}
