// Encodes snapshots compactly (fields at their schema default left out, gzip once large, unchanged parts reused) and decodes either form.
import { isAscii } from "node:buffer";
import { promisify } from "node:util";
import { gunzip, gzip, constants as zlibConstants } from "node:zlib";
import { DecisionEventSchema, NodeSchema, type Loom, type LoomOp } from "@loom/core";
import type { z } from "zod";
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION } from "./formats.js";

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** Snapshots at least this large (uncompressed) are written gzip-compressed by default. */
export const COMPRESS_SNAPSHOTS_FROM_BYTES = 1024 * 1024;

/** Keys whose value may be left out when it equals the schema default (zod fills it back in on load), with that default. */
function defaultsOf(schema: z.ZodObject): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, field] of Object.entries(schema.shape)) {
    const def = (field as { _zod: { def: { type: string; defaultValue?: unknown } } })._zod.def;
    if (def.type === "default") out.set(key, JSON.parse(JSON.stringify(def.defaultValue)));
  }
  return out;
}
const NODE_DEFAULTS = defaultsOf(NodeSchema);
const DECISION_DEFAULTS = defaultsOf(DecisionEventSchema);

/** Compared by value, not by serialising it: this runs for every field of every record encoded. */
function isDefault(value: unknown, def: unknown): boolean {
  if (def === null || typeof def !== "object") return value === def;
  // Only empty objects/arrays can equal a default here; anything with content is kept.
  if (typeof value !== "object" || value === null) return false;
  if (Array.isArray(def)) return def.length === 0 && Array.isArray(value) && value.length === 0;
  return isEmptyObject(def) && !Array.isArray(value) && isEmptyObject(value);
}

function isEmptyObject(value: object): boolean {
  for (const _ in value) return false;
  return true;
}

/** A copy without the keys at their default. Built key by key rather than copied and `delete`d: deleting keys turns objects into slow dictionaries that JSON.stringify handles several times slower. */
function sparse<T extends object>(record: T, defaults: Map<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const r = record as Record<string, unknown>;
  for (const key in r) {
    const value = r[key];
    if (!defaults.has(key) || !isDefault(value, defaults.get(key))) out[key] = value;
  }
  return out;
}

export interface EncodeOptions {
  /** true / false, or "auto" (the default): compress when the JSON is at least 1 MiB. */
  compress?: boolean | "auto";
  /** See SnapshotSchema.manifestBytes. */
  manifestBytes?: number | null;
}

export interface EncodedSnapshot {
  /** Length of the uncompressed JSON text (what a load has to parse). */
  jsonLength: number;
  /** Finish encoding (gzip runs in libuv's thread pool) and return the file's bytes. */
  finish: () => Promise<string | Buffer>;
}

/** Cap on journaled encodings kept for the next snapshot (characters), so memory stays bounded. */
const MAX_KNOWN_CHARS = 32 * 1024 * 1024;

/** Records per chunk: large enough that gzip members compress well, small enough that re-encoding a touched one is cheap. */
const CHUNK_SHIFT = 10;

interface Chunk {
  /** Bumped whenever a record in the chunk is added or changed. */
  gen: number;
  /** The chunk's JSON (entries, comma-prefixed after the first chunk) as of `jsonGen`; dropped once compressed. */
  json: string | null;
  jsonGen: number;
  length: number;
  /** A gzip member of the chunk's JSON as of `gzGen`. */
  gz: Buffer | null;
  gzGen: number;
}

/** How far back from the newest record `locate` looks before scanning everything: changes are almost always to recent records. */
const RECENT = 256;

/**
 * The records of one kind (nodes or decisions) in insertion order, cut into chunks whose encoding is
 * cached. Kept in arrays rather than maps keyed by id: this is updated on every commit, and hashing
 * every new id into two large maps cost more than the rest of the bookkeeping.
 */
class ChunkedRecords {
  private ids: string[] = [];
  private chunks: Chunk[] = [];
  /** Encoded records (as journaled) not yet in a snapshot, by position; reused instead of serialising them again. */
  private known: (string | undefined)[] = [];
  private knownChars = 0;

  constructor(private readonly defaults: Map<string, unknown>) {}

  reset(): void {
    this.ids = [];
    this.chunks = [];
    this.known = [];
    this.knownChars = 0;
  }

  /** Add a record that is not in the list yet, optionally with its encoding as of now. */
  add(id: string, json?: string): void {
    const at = this.ids.length;
    this.ids.push(id);
    if (json !== undefined && this.knownChars + json.length <= MAX_KNOWN_CHARS) {
      this.known[at] = json;
      this.knownChars += json.length;
    } else {
      this.known[at] = undefined;
    }
    const c = at >> CHUNK_SHIFT;
    const chunk = this.chunks[c] ?? (this.chunks[c] = { gen: 0, json: null, jsonGen: -1, length: 0, gz: null, gzGen: -1 });
    chunk.gen++;
  }

  /** Note a change to a record already in the list. */
  touch(id: string): void {
    const at = this.locate(id);
    if (at < 0) return;
    this.forget(at);
    this.chunks[at >> CHUNK_SHIFT]!.gen++;
  }

  private locate(id: string): number {
    const ids = this.ids;
    const stop = Math.max(0, ids.length - RECENT);
    for (let i = ids.length - 1; i >= stop; i--) if (ids[i] === id) return i;
    return stop === 0 ? -1 : ids.lastIndexOf(id, stop - 1);
  }

  private forget(at: number): void {
    const json = this.known[at];
    if (json === undefined) return;
    this.known[at] = undefined;
    this.knownChars -= json.length;
  }

  /** Make the id list match `records` when it may not (first use, or a loom changed behind our back). */
  sync(records: Record<string, object>): void {
    let count = 0;
    for (const _ in records) count++;
    if (count === this.ids.length) return;
    this.reset();
    for (const id in records) this.add(id);
  }

  /** The chunk's JSON for its current generation, encoding it if needed. */
  private jsonOf(c: number, records: Record<string, object>): string {
    const chunk = this.chunks[c]!;
    if (chunk.json !== null && chunk.jsonGen === chunk.gen) return chunk.json;
    const end = Math.min(this.ids.length, (c + 1) << CHUNK_SHIFT);
    const entries: string[] = [];
    for (let i = c << CHUNK_SHIFT; i < end; i++) {
      const id = this.ids[i]!;
      let json = this.known[i];
      if (json === undefined) json = JSON.stringify(sparse(records[id]!, this.defaults));
      else this.forget(i);
      entries.push(JSON.stringify(id) + ":" + json);
    }
    const body = entries.join(",");
    chunk.json = c === 0 ? body : "," + body;
    chunk.jsonGen = chunk.gen;
    chunk.length = chunk.json.length;
    return chunk.json;
  }

  /**
   * Parts of the encoded records, in order: a cached gzip member where one is current (when compressing),
   * else JSON text; and the total JSON length. Chunks unchanged since the last snapshot cost nothing.
   */
  parts(records: Record<string, object>, compress: boolean | "auto"): { parts: Part[]; length: number } {
    const parts: Part[] = [];
    let length = 0;
    for (let c = 0; c < this.chunks.length; c++) {
      const chunk = this.chunks[c]!;
      if (compress !== false && chunk.gz !== null && chunk.gzGen === chunk.gen) {
        parts.push({ chunk, gen: chunk.gen, json: null, gz: chunk.gz });
        length += chunk.length;
      } else {
        const json = this.jsonOf(c, records);
        parts.push({ chunk, gen: chunk.gen, json, gz: null });
        length += json.length;
      }
    }
    return { parts, length };
  }

  /** Plain JSON of a part (re-encoding a chunk whose text was dropped after compression). */
  text(part: Part, records: Record<string, object>): string {
    if (part.json !== null) return part.json;
    return this.jsonOf(this.chunks.indexOf(part.chunk), records);
  }
}

interface Part {
  chunk: Chunk;
  gen: number;
  json: string | null;
  gz: Buffer | null;
}

const gzipMember = (text: string) => gzipAsync(text, { level: zlibConstants.Z_BEST_SPEED });

/**
 * Encodes a loom's snapshots again and again, re-encoding only the nodes and decisions that changed
 * since the previous one. A full re-serialisation made each compaction cost O(loom) on the commit
 * thread (≈0.5 s at 25k nodes with tokens); now it costs O(changes since the last snapshot), and
 * candidate nodes are not even serialised again: their journaled text is reused.
 *
 * The file is the same JSON as before: compressed, it is a series of gzip members (one per chunk),
 * which gunzip reads as one stream. The encoder learns of changes through `noteOp`, so every mutation
 * of the loom must go through it (Session.mutate does); a loom whose record count no longer matches
 * is re-encoded in full.
 */
export class SnapshotEncoder {
  private readonly nodes = new ChunkedRecords(NODE_DEFAULTS);
  private readonly decisions = new ChunkedRecords(DECISION_DEFAULTS);
  private started = false;

  /** Record what an op changed, once it has been applied to `loom`; `encoded` is what encodeOp returned for it. */
  noteOp(op: LoomOp, loom: Loom, encoded?: EncodedOp): void {
    if (!this.started) return;
    switch (op.op) {
      case "addCandidates": {
        op.nodes.forEach((n, i) => this.nodes.add(n.id, encoded?.nodes?.[i]));
        // The op opened the decision, or added to an open one (a reroll), whose candidates it extended.
        const d = loom.decisions[op.decisionId];
        if (d && d.candidateNodeIds.length === op.nodes.length) this.decisions.add(op.decisionId);
        else this.decisions.touch(op.decisionId);
        return;
      }
      case "resolve":
      case "answerClarification":
        this.decisions.touch(op.decisionId);
        if (op.resolution.action === "choose") this.nodes.touch(op.resolution.chosenNodeId);
        return;
      case "editNode":
        this.nodes.add(op.node.id);
        return;
      case "checkout":
      case "hold":
      case "release":
        return; // paths are in the small head, encoded every time
      default:
        // An op this encoder does not know: forget the cache rather than risk a stale snapshot.
        this.started = false;
    }
  }

  /** Serialise synchronously (so the snapshot is exactly the loom now); `finish` compresses off-thread. */
  encode(seq: number, loom: Loom, options: EncodeOptions = {}): EncodedSnapshot {
    if (!this.started) {
      this.nodes.reset();
      this.decisions.reset();
      this.started = true;
    }
    this.nodes.sync(loom.nodes);
    this.decisions.sync(loom.decisions);
    const { nodes: _n, decisions: _d, ...rest } = loom;
    const restJson = JSON.stringify(rest);
    const head =
      `{"format":${JSON.stringify(SNAPSHOT_FORMAT)},"version":${SNAPSHOT_VERSION},"seq":${seq},` +
      `"manifestBytes":${JSON.stringify(options.manifestBytes ?? null)},"loom":` +
      (restJson === "{}" ? "{" : restJson.slice(0, -1) + ",") +
      `"nodes":{`;
    const mid = `},"decisions":{`;
    const tail = `}}}`;
    const mode = options.compress ?? "auto";
    const n = this.nodes.parts(loom.nodes, mode);
    const d = this.decisions.parts(loom.decisions, mode);
    const jsonLength = head.length + n.length + mid.length + d.length + tail.length;
    const compress = mode === "auto" ? jsonLength >= COMPRESS_SNAPSHOTS_FROM_BYTES : mode;
    if (!compress) {
      // Texts are taken now: the loom may change before finish() runs.
      const text = [head, ...n.parts.map((p) => this.nodes.text(p, loom.nodes)), mid, ...d.parts.map((p) => this.decisions.text(p, loom.decisions)), tail].join("");
      return { jsonLength, finish: async () => text };
    }
    const all = [head, ...n.parts, mid, ...d.parts, tail];
    return {
      jsonLength,
      finish: async () => {
        // One member at a time: compressing them all at once would fill libuv's thread pool, and every
        // fs call of the session (state writes, the snapshot itself) would queue behind it.
        const members: Buffer[] = [];
        for (const p of all) {
          if (typeof p === "string") {
            members.push(await gzipMember(p));
            continue;
          }
          if (p.gz) {
            members.push(p.gz);
            continue;
          }
          const gz = await gzipMember(p.json!);
          // Keep the member only if the chunk did not change meanwhile; drop its text to save memory.
          if (p.chunk.gen === p.gen) {
            p.chunk.gz = gz;
            p.chunk.gzGen = p.gen;
            if (p.chunk.jsonGen === p.gen) p.chunk.json = null;
          }
          members.push(gz);
        }
        return Buffer.concat(members);
      },
    };
  }
}

export interface EncodedOp {
  json: string;
  /** For addCandidates: each node's JSON as it appears in `json` (sparse, as in snapshots). */
  nodes: string[] | null;
}

/**
 * The JSON of an op for the journal. Candidate nodes are written sparse (defaults left out, which the
 * schema fills back in) and one by one, so the snapshot encoder can reuse their text instead of
 * serialising every node a second time at the next compaction.
 */
export function encodeOp(op: LoomOp): EncodedOp {
  if (op.op !== "addCandidates") return { json: JSON.stringify(op), nodes: null };
  const { nodes, ...rest } = op;
  const encoded: string[] = [];
  // Concatenated rather than joined: the journal flattens the whole line once when it writes it, and a
  // join would copy these ~15 KB (8 candidates with top logprobs) one extra time on every commit.
  let json = JSON.stringify(rest).slice(0, -1) + `,"nodes":[`;
  for (let i = 0; i < nodes.length; i++) {
    const node = JSON.stringify(sparse(nodes[i]!, NODE_DEFAULTS));
    encoded.push(node);
    json += i === 0 ? node : "," + node;
  }
  return { json: json + "]}", nodes: encoded };
}

/** Serialise a snapshot synchronously (so it is exactly the loom now) and return a function that finishes encoding off-thread. */
export function encodeSnapshot(seq: number, loom: Loom, options: EncodeOptions = {}): EncodedSnapshot {
  return new SnapshotEncoder().encode(seq, loom, options);
}

/**
 * Output buffer size for gunzipping a snapshot. zlib's default (16 KiB) cut a 30 MB snapshot into ~1,900
 * pieces, each a round trip from the thread pool to the main thread plus a Buffer to concatenate and
 * collect: that made gunzip ~200 ms of a 100k-node load; with 1 MiB pieces it takes ~55 ms.
 */
const GUNZIP_CHUNK_BYTES = 1024 * 1024;

/** Text of the file's bytes: latin1 decoding when they are all ASCII (as snapshots almost always are) is the same string, several times faster. */
function decode(bytes: Buffer): string {
  return isAscii(bytes) ? bytes.toString("latin1") : bytes.toString("utf8");
}

/** The JSON text of a snapshot file, gunzipping it when it starts with the gzip magic bytes. */
export async function snapshotText(bytes: Buffer): Promise<string> {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) return decode(await gunzipAsync(bytes, { chunkSize: GUNZIP_CHUNK_BYTES }));
  return decode(bytes);
}
