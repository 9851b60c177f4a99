// Encodes snapshots compactly (fields at their schema default left out, records deflated in checksummed frames, unchanged chunks reused).
import { promisify } from "node:util";
import { deflateRaw, deflateRawSync, constants as zlibConstants } from "node:zlib";
import { DecisionEventSchema, NodeSchema, TokenList, type Loom, type LoomNode, type LoomOp } from "@loom/core";
import { DigestTracker, opFootprint } from "@loom/core/internal";
import type { z } from "zod";
import { SNAPSHOT_FORMAT, SNAPSHOT_VERSION } from "./formats.js";
import type { JournaledNodes } from "./journal-record-read.js";
import { isDefault, NodeColumnsBuilder } from "./node-columns.js";
import { FLAG_DEFLATE, FrameType, frameHeader, SNAPSHOT_MAGIC } from "./snapshot-frames.js";
import { chunkRanges, type FileRange, type FrameSource, rangeBytes, type SnapshotLayout } from "./snapshot-reuse.js";
import { packedBytes, recordWithPackedTokens } from "./token-codec.js";
import {
  deferredBytes,
  textsEntry,
  textsEntryOfPacked,
  tokenFramePayload,
  tokenSections,
  tokenTexts,
  type TokenSections,
} from "./token-frames.js";

/** Keys whose value may be left out when it equals the schema default (zod fills it back in on load), with that default. */
function defaultsOf(schema: z.ZodObject): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, field] of Object.entries(schema.shape)) {
    const def = (field as { _zod: { def: { type: string; defaultValue?: unknown } } })._zod.def;
    if (def.type === "default") out.set(key, JSON.parse(JSON.stringify(def.defaultValue)));
  }
  return out;
}
/** Node fields with a schema default, and that default (records leave them out at it). */
export const NODE_DEFAULTS = defaultsOf(NodeSchema);
const DECISION_DEFAULTS = defaultsOf(DecisionEventSchema);

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

/**
 * The JSON of one record as snapshots and the journal write it (sparse), as UTF-8 bytes. A node's tokens
 * are written after the other fields, in their packed form (token-codec.ts: one base64 string), or as
 * plain tokens straight from the packed form (TokenList.toJSONText) when the texts cannot be carried as UTF-8.
 */
function recordBytes(record: object, defaults: Map<string, unknown>, plainTokens = false, countOnly = false): Buffer {
  const tokens = (record as { tokens?: unknown }).tokens;
  if (!TokenList.is(tokens)) return Buffer.from(JSON.stringify(sparse(record, defaults)), "utf8");
  const out: Record<string, unknown> = {};
  const r = record as Record<string, unknown>;
  for (const key in r) {
    if (key === "tokens") continue;
    const value = r[key];
    if (!defaults.has(key) || !isDefault(value, defaults.get(key))) out[key] = value;
  }
  const rest = JSON.stringify(out);
  const head = rest.length > 2 ? rest.slice(0, -1) : "{";
  if (countOnly) return Buffer.from(`${head}${head.length > 1 ? "," : ""}"tokens":${tokens.length}}`, "utf8");
  const packed = plainTokens ? null : recordWithPackedTokens(head, tokens);
  return packed ?? Buffer.from(`${head}${head.length > 1 ? "," : ""}"tokens":${tokens.toJSONText()}}`, "utf8");
}

const TOKENS_MEMBER = Buffer.from('"tokens":"', "latin1");

/** A node as a binary journal record gave it (journal-record.ts): its parts are built from the record's at the next snapshot, then kept. */
interface Journaled {
  nodes: JournaledNodes;
  i: number;
  parts: NodeParts | null;
  /** The node's token list when it was journaled (packed again at the next snapshot). */
  tokens: TokenList | null;
}

/**
 * The packed token list of a node changed since its binary journal record (each decision's chosen node, by
 * its resolution), kept while the node's list is still this one: only the node's fields are encoded again.
 * Why: packing the chosen nodes' lists again was most of what encoding them afresh cost at a compaction.
 */
interface KeptTokens {
  kept: TokenList;
  /** Its packed bytes if a snapshot has packed them since its binary record; else packed from `kept` when needed. */
  packed: Buffer | null;
  texts: Buffer | null;
}

/**
 * What is known of a record not yet in a snapshot: its JSON as journaled, the parts of a binary record,
 * (a node record of a version-5 layout, encoded afresh) its parts as a nodes frame and a token frame hold
 * them, or the packed token list of a node changed since its binary record.
 */
type Known = Buffer | Journaled | NodeParts | KeptTokens;

const isParts = (k: Known): k is NodeParts => !Buffer.isBuffer(k) && "record" in k;
const isJournaled = (k: Known): k is Journaled => !Buffer.isBuffer(k) && "nodes" in k;
const isKept = (k: Known): k is KeptTokens => !Buffer.isBuffer(k) && "kept" in k;

/** Bytes a known encoding holds (for MAX_KNOWN_BYTES); a binary record's node counts its packed tokens and JSON. */
function knownBytes(k: Known): number {
  if (Buffer.isBuffer(k)) return k.length;
  if (isParts(k)) return k.record.length + (k.packed?.length ?? 0) + (k.texts?.length ?? 0);
  if (isKept(k)) return (k.packed?.length ?? 0) + (k.texts?.length ?? 0);
  return (k.parts?.packed?.length ?? 0) + k.nodes.own[k.i]!.length + 128;
}

/**
 * A node record as a version-5 nodes frame holds it, from its binary journal record: id, text and logprob
 * from the node (unchanged since: a change forgets the record), the other fields from the record's JSON
 * (shared by the siblings, so serialised once per op), and the token count.
 */
function journaledRecord(node: LoomNode, nodes: JournaledNodes, i: number): Buffer {
  let head = `{"id":${JSON.stringify(node.id)},"text":${JSON.stringify(node.text)}`;
  if (node.stepLogprob !== null) head += `,"stepLogprob":${JSON.stringify(node.stepLogprob)}`;
  // The shared fields as bytes once per op, copied into each sibling's record.
  const common = (nodes.commonBytes ??= Buffer.from(
    nodes.common.length > 2 ? `,${nodes.common.slice(1, -1)}` : "",
    "utf8",
  ));
  const own = nodes.own[i]!;
  const tail = `${own.length > 2 ? `,${own.slice(1, -1)}` : ""}${node.tokens !== null ? `,"tokens":${node.tokens.length}` : ""}}`;
  const headBytes = Buffer.byteLength(head, "utf8");
  const tailBytes = Buffer.byteLength(tail, "utf8");
  const out = Buffer.allocUnsafe(headBytes + common.length + tailBytes);
  out.write(head, 0, headBytes, headBytes === head.length ? "latin1" : "utf8");
  common.copy(out, headBytes);
  out.write(tail, headBytes + common.length, tailBytes, tailBytes === tail.length ? "latin1" : "utf8");
  return out;
}

/**
 * A node record as a version-5 nodes frame holds it (`"tokens":N`, the list in the token frame after it),
 * with the list's packed bytes and texts entry; `json` is its journaled or fresh encoding (packed tokens in
 * base64, written last by recordBytes), reused rather than serialising the node again. A list that cannot
 * be packed stays plain in the record (no entry).
 */
function nodeParts(
  node: object,
  json: Known | undefined,
  defaults: Map<string, unknown>,
  withRecord = true,
): NodeParts {
  if (json !== undefined && isKept(json)) {
    const list = json.kept;
    const packed = (node as LoomNode).tokens === list ? (json.packed ?? packedBytes(list)) : null;
    if (packed === null) return nodeParts(node, undefined, defaults, withRecord);
    return {
      record: withRecord ? recordBytes(node, defaults, false, true) : NO_RECORD,
      packed,
      texts: json.texts ?? textsEntryOfPacked(packed) ?? textsEntry(tokenTexts(list)),
    };
  }
  if (json !== undefined && !Buffer.isBuffer(json)) {
    if (isParts(json)) return json;
    if (json.parts === null) {
      const n = node as LoomNode;
      const packed = n.tokens === null ? null : packedBytes(n.tokens);
      const record = withRecord ? journaledRecord(n, json.nodes, json.i) : NO_RECORD;
      json.parts =
        packed === null || n.tokens === null
          ? { record, packed: null, texts: null }
          : { record, packed, texts: textsEntryOfPacked(packed) ?? textsEntry(tokenTexts(n.tokens)) };
    }
    return json.parts;
  }
  const list = (node as { tokens?: unknown }).tokens;
  if (!TokenList.is(list)) return { record: json ?? recordBytes(node, defaults), packed: null, texts: null };
  const stored = deferredBytes(list);
  let packed: Buffer | null = stored === undefined ? null : Buffer.from(stored, "latin1");
  let record: Buffer | null = null;
  if (json !== undefined && json.length > 2 && json[json.length - 1] === 0x7d && json[json.length - 2] === 0x22) {
    const cut = json.lastIndexOf(TOKENS_MEMBER);
    if (cut > 0) {
      packed ??= Buffer.from(json.toString("latin1", cut + TOKENS_MEMBER.length, json.length - 2), "base64");
      const count = Buffer.from(`"tokens":${list.length}}`, "latin1");
      record = withRecord ? Buffer.concat([json.subarray(0, cut), count]) : NO_RECORD;
    }
  }
  packed ??= packedBytes(list);
  if (packed === null) return { record: json ?? recordBytes(node, defaults), packed: null, texts: null };
  record ??= withRecord ? recordBytes(node, defaults, false, true) : NO_RECORD;
  return { record, packed, texts: textsEntryOfPacked(packed) ?? textsEntry(tokenTexts(list)) };
}

/** The record of parts made for a column frame (version 6), which holds the node's fields apart. */
const NO_RECORD = Buffer.alloc(0);

interface NodeParts {
  /** The node's record line (empty when the parts were made for a column frame). */
  record: Buffer;
  packed: Buffer | null;
  texts: Buffer | null;
}

export interface EncodeOptions {
  /** Deflate the record frames (the default). Off only for tests that want to read the bytes. */
  compress?: boolean;
  /** See SnapshotSchema.manifestBytes. */
  manifestBytes?: number | null;
}

export interface EncodedSnapshot {
  /** Length of the records' JSON text in bytes (what a load has to parse), the yardstick for the next compaction. */
  jsonLength: number;
  /** Finish encoding (deflate runs in libuv's thread pool) and return the file's pieces, to be written in order. */
  finish: () => Promise<Buffer[]>;
}

/** Cap on journaled encodings kept for the next snapshot (bytes), so memory stays bounded. */
const MAX_KNOWN_BYTES = 32 * 1024 * 1024;

/** Records per chunk (one frame): large enough to compress well, small enough that re-encoding a touched one is cheap. */
const CHUNK_SHIFT = 10;

/** A chunk's records are also cut into a new frame once they pass this many bytes (32-token nodes with top-20 are ~15 KB each). */
const MAX_FRAME_BYTES = 16 * 1024 * 1024;

/** Uncompressed bytes held for finish() beyond this are deflated at once, so a first snapshot of a huge loom stays bounded in memory. */
const MAX_PENDING_BYTES = 64 * 1024 * 1024;

interface Chunk {
  /** Bumped whenever a record in the chunk is added or changed. */
  gen: number;
  /** The chunk's frames (header, payload, header, payload…) as of `framesGen`. */
  frames: Buffer[] | null;
  framesGen: number;
  /** Bytes of the chunk's records' JSON as of `framesGen`. */
  length: number;
  /** The chunk's frames in the snapshot the session opened (snapshot-reuse.ts), while `gen` is still 0. */
  file: FileRange | null;
}

function newChunk(): Chunk {
  return { gen: 0, frames: null, framesGen: -1, length: 0, file: null };
}

/** How far back from the newest record `locate` looks before scanning everything: changes are almost always to recent records. */
const RECENT = 256;

const deflateAsync = promisify(deflateRaw);
const DEFLATE = { level: zlibConstants.Z_BEST_SPEED };

/**
 * Deflate options for `input`: output in one buffer of about the input's size rather than zlib's 16 KB
 * chunks. Each chunk of an async deflate is a round trip to the main thread (a callback, a buffer, and a
 * copy when they are joined): a compaction's frames came back in hundreds of them.
 */
function deflateOptions(input: Uint8Array): { level: number; chunkSize: number } {
  return { level: DEFLATE.level, chunkSize: Math.max(zlibConstants.Z_DEFAULT_CHUNK, input.length + 1024) };
}

/** A frame's content before framing: records' text (deflated whole), or a token frame's sections (deflated one by one). */
type Piece = Buffer | TokenSections;

/** The frames of one record text: one frame, or several when it is large (each nodes frame of version 5 followed by its token frame). */
function framesOf(type: number, texts: Piece[], compress: boolean): Buffer[] {
  const out: Buffer[] = [];
  for (const raw of texts) {
    if (!Buffer.isBuffer(raw)) {
      const payload = compress
        ? tokenFramePayload(
            raw,
            deflateRawSync(raw.texts, deflateOptions(raw.texts)),
            deflateRawSync(raw.lists, deflateOptions(raw.lists)),
            true,
          )
        : tokenFramePayload(raw, raw.texts, raw.lists, false);
      out.push(frameHeader(FrameType.tokens, 0, payload), payload);
      continue;
    }
    const payload = compress ? deflateRawSync(raw, DEFLATE) : raw;
    out.push(frameHeader(type, compress ? FLAG_DEFLATE : 0, payload), payload);
  }
  return out;
}

async function framesOfAsync(type: number, texts: Piece[], compress: boolean): Promise<Buffer[]> {
  if (!compress) return framesOf(type, texts, false);
  const out: Buffer[] = [];
  for (const raw of texts) {
    if (!Buffer.isBuffer(raw)) {
      const payload = tokenFramePayload(
        raw,
        await deflateAsync(raw.texts, deflateOptions(raw.texts)),
        await deflateAsync(raw.lists, deflateOptions(raw.lists)),
        true,
      );
      out.push(frameHeader(FrameType.tokens, 0, payload), payload);
      continue;
    }
    const payload = await deflateAsync(raw, deflateOptions(raw));
    out.push(frameHeader(type, FLAG_DEFLATE, payload), payload);
  }
  return out;
}

const utf8 = (text: string) => Buffer.from(text, "utf8");

/** One record per line, cut where a frame would pass MAX_FRAME_BYTES: each frame's text is one copy of its records' bytes. */
function cutIntoTexts(records: Buffer[], ends?: number[]): Buffer[] {
  const texts: Buffer[] = [];
  let from = 0;
  let bytes = 0;
  for (let i = 0; i < records.length; i++) {
    bytes += records[i]!.length + 1;
    if (bytes >= MAX_FRAME_BYTES || i === records.length - 1) {
      const text = Buffer.allocUnsafe(bytes - 1);
      let at = 0;
      for (let k = from; k <= i; k++) {
        if (k > from) text[at++] = 0x0a;
        at += records[k]!.copy(text, at);
      }
      texts.push(text);
      ends?.push(i + 1);
      from = i + 1;
      bytes = 0;
    }
  }
  return texts;
}

/** What one chunk contributes to a snapshot: cached frames, or texts still to frame. */
interface Part {
  chunk: Chunk;
  gen: number;
  frames: Buffer[] | null;
  texts: Piece[] | null;
  /** Frames to copy from the opened snapshot. */
  file: FileRange | null;
}

/**
 * The records of one kind (nodes or decisions) in insertion order, cut into chunks whose framed encoding
 * is cached. Kept in arrays rather than maps keyed by id: this is updated on every commit, and hashing
 * every new id into two large maps cost more than the rest of the bookkeeping.
 */
class ChunkedRecords {
  private ids: string[] = [];
  private chunks: Chunk[] = [];
  /** Encoded records (as journaled) not yet in a snapshot, by position; reused instead of serialising them again. */
  private known: (Known | undefined)[] = [];
  private knownBytes = 0;
  /** Records serialised so far (a cost counter for tests and benchmarks). */
  serialised = 0;
  /** The opened snapshot, while a chunk still copies frames from it. */
  private source: FrameSource | null = null;

  constructor(
    private readonly defaults: Map<string, unknown>,
    private readonly type: number,
    private readonly plainTokens = false,
    /** Node records with their token lists in token frames (version 5), not inside the records. */
    private readonly tokenFrames = false,
  ) {}

  get count(): number {
    return this.ids.length;
  }

  reset(): void {
    this.ids = [];
    this.chunks = [];
    this.known = [];
    this.knownBytes = 0;
    this.source = null;
  }

  /**
   * Start from the snapshot just read: `ids` is the loom's records in order, `stored` those the snapshot held
   * (in its order, a prefix of `ids`), `ranges` its chunks in the file. Chunks holding a record in `changed`
   * (ops replayed since), or a record added since, are encoded afresh; the others copy the file's bytes.
   * False (and nothing kept) when the snapshot's records are not the first of `ids` in the same order.
   */
  seed(
    ids: string[],
    stored: readonly { id: string }[],
    ranges: readonly FileRange[],
    changed: ReadonlySet<string>,
    source: FrameSource,
  ): boolean {
    let held = 0;
    for (const r of ranges) held += r.records;
    if (held !== stored.length || ids.length < held) return false;
    for (let i = 0; i < held; i++) if (ids[i] !== stored[i]!.id) return false;
    this.reset();
    this.ids = ids;
    this.known = new Array(ids.length);
    const count = ids.length === 0 ? 0 : ((ids.length - 1) >> CHUNK_SHIFT) + 1;
    for (let c = 0; c < count; c++) {
      const chunk = newChunk();
      const range = ranges[c];
      if (range !== undefined) {
        chunk.file = range;
        chunk.length = range.chars;
        // A chunk the snapshot left partly filled gets the records added since.
        if (ids.length > held && c === ranges.length - 1 && range.records < 1 << CHUNK_SHIFT) chunk.gen++;
      } else chunk.gen++;
      this.chunks.push(chunk);
    }
    if (changed.size > 0) for (let i = 0; i < held; i++) if (changed.has(ids[i]!)) this.chunks[i >> CHUNK_SHIFT]!.gen++;
    this.source = source;
    return true;
  }

  /** Node records in column frames with token frames: the layout a seed copies (version 6). */
  get writesColumns(): boolean {
    return this.tokenFrames;
  }

  /** Whether a chunk still waits to copy its frames from the opened snapshot. */
  get copiesFromFile(): boolean {
    return this.source !== null && this.chunks.some((c) => c.file !== null);
  }

  /** Add a record that is not in the list yet, optionally with its encoding as of now. */
  add(id: string, json?: Known): void {
    const at = this.ids.length;
    this.ids.push(id);
    if (json !== undefined && this.knownBytes + knownBytes(json) <= MAX_KNOWN_BYTES) {
      this.known[at] = json;
      this.knownBytes += knownBytes(json);
    } else {
      this.known[at] = undefined;
    }
    const c = at >> CHUNK_SHIFT;
    const chunk = this.chunks[c] ?? (this.chunks[c] = newChunk());
    chunk.gen++;
  }

  /** Note a change to a record already in the list (a node keeps its packed token list: see KeptTokens). */
  touch(id: string): void {
    const at = this.locate(id);
    if (at < 0) return;
    const old = this.known[at];
    this.forget(at);
    this.chunks[at >> CHUNK_SHIFT]!.gen++;
    // A node keeps its journaled token list (see KeptTokens).
    if (old === undefined || !isJournaled(old) || old.tokens === null) return;
    const kept: KeptTokens = {
      kept: old.tokens,
      packed: old.parts?.packed ?? null,
      texts: old.parts?.texts ?? null,
    };
    if (this.knownBytes + knownBytes(kept) > MAX_KNOWN_BYTES) return;
    this.known[at] = kept;
    this.knownBytes += knownBytes(kept);
  }

  /** Note that a record is in the loom now: touched if the list holds it, else added. */
  upsert(id: string): void {
    if (this.locate(id) >= 0) this.touch(id);
    else this.add(id);
  }

  /** Drop a record the loom no longer holds; every record after it moves down a place, so their chunks are encoded again. */
  remove(id: string): void {
    const at = this.locate(id);
    if (at < 0) return;
    this.forget(at);
    this.ids.splice(at, 1);
    this.known.splice(at, 1);
    for (let c = at >> CHUNK_SHIFT; c < this.chunks.length; c++) this.chunks[c]!.gen++;
    this.chunks.length = this.ids.length === 0 ? 0 : ((this.ids.length - 1) >> CHUNK_SHIFT) + 1;
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
    this.knownBytes -= knownBytes(json);
  }

  /** Make the id list match `records` when it may not (first use, or a loom changed behind our back). */
  sync(records: Record<string, object>): void {
    // Object.keys, not a for-in count: a third faster on a loom of 26,000 nodes (8 against 12 ms).
    if (Object.keys(records).length === this.ids.length) return;
    this.reset();
    for (const id in records) this.add(id);
  }

  /**
   * The chunk's records as JSON lines, cut into frame-sized texts. A full chunk's journaled encodings are
   * dropped once used (its frames are cached from now on); the last chunk, still filling, keeps them and
   * the encodings made here: it is encoded again at every snapshot, and serialising its records anew each
   * time was most of what a compaction cost.
   */
  private textsOf(c: number, records: Record<string, object>): Piece[] {
    const end = Math.min(this.ids.length, (c + 1) << CHUNK_SHIFT);
    const full = end - (c << CHUNK_SHIFT) === 1 << CHUNK_SHIFT;
    const lines: Known[] = [];
    for (let i = c << CHUNK_SHIFT; i < end; i++) {
      let json = this.known[i];
      // A binary record's parts serve only version-5 layouts (token frames); the others serialise the node.
      if (json !== undefined && !Buffer.isBuffer(json) && !this.tokenFrames) json = undefined;
      if (json === undefined) {
        const record = records[this.ids[i]!]!;
        // A version-5 node record straight in its parts: serialising the tokens in base64 only to cut them out
        // again was most of what a node changed since its journal record (each decision's chosen one) cost.
        json = this.tokenFrames
          ? nodeParts(record, undefined, this.defaults, false)
          : recordBytes(record, this.defaults, this.plainTokens);
        this.serialised++;
        if (!full && this.knownBytes + knownBytes(json) <= MAX_KNOWN_BYTES) {
          this.known[i] = json;
          this.knownBytes += knownBytes(json);
        }
      } else {
        // A node that kept only its token list has its fields encoded afresh all the same.
        if (isKept(json)) this.serialised++;
        if (full) this.forget(i);
      }
      lines.push(json);
    }
    return this.tokenFrames ? this.withTokenFrames(c, lines, records) : cutIntoTexts(lines as Buffer[]);
  }

  /**
   * The chunk's nodes in column frames (node-columns.ts), each followed by the token frame of its lists; a
   * frame is cut once its columns and lists pass MAX_FRAME_BYTES.
   */
  private withTokenFrames(c: number, known: Known[], records: Record<string, object>): Piece[] {
    const out: Piece[] = [];
    let columns = new NodeColumnsBuilder(this.defaults);
    let lists: Buffer[] = [];
    let texts: Buffer[] = [];
    let listBytes = 0;
    const cut = () => {
      out.push(columns.finish());
      if (lists.length > 0) out.push(tokenSections(lists, texts));
      columns = new NodeColumnsBuilder(this.defaults);
      lists = [];
      texts = [];
      listBytes = 0;
    };
    // The binary record the node before came from, when it holds no fields of its own (see addSibling).
    let before: JournaledNodes | null = null;
    for (let k = 0; k < known.length; k++) {
      const node = records[this.ids[(c << CHUNK_SHIFT) + k]!]! as LoomNode;
      const json = known[k];
      const parts = nodeParts(node, json, this.defaults, false);
      // A list that cannot be packed stays in the record, plain (JSON.stringify gives its tokens).
      const tokens = parts.packed === null ? node.tokens : node.tokens!.length;
      // Siblings journaled in one record, unchanged since (a change forgets the record) and holding no fields
      // of their own, share every field but id, text, stepLogprob and tokens.
      const from = json !== undefined && isJournaled(json) && json.nodes.own[json.i] === "" ? json.nodes : null;
      if (from !== null && from === before && columns.count > 0) columns.addSibling(node, tokens);
      else columns.add(node, tokens);
      before = from;
      if (parts.packed !== null) {
        lists.push(parts.packed);
        texts.push(parts.texts!);
        listBytes += parts.packed.length + parts.texts!.length;
      }
      if (columns.bytes + listBytes >= MAX_FRAME_BYTES || k === known.length - 1) cut();
    }
    return out;
  }

  /**
   * Every chunk's part of the snapshot, in order, and the total JSON length. Chunks unchanged since the
   * last snapshot cost nothing; changed ones are serialised now (so the snapshot is the loom as of now),
   * and framed now too once the text waiting for finish() passes MAX_PENDING_CHARS.
   */
  parts(
    records: Record<string, object>,
    compress: boolean,
    pending: { chars: number },
  ): { parts: Part[]; length: number } {
    const parts: Part[] = [];
    let length = 0;
    for (let c = 0; c < this.chunks.length; c++) {
      const chunk = this.chunks[c]!;
      if (chunk.file !== null) {
        if (chunk.gen === 0 && this.source !== null) {
          parts.push({ chunk, gen: 0, frames: null, texts: null, file: chunk.file });
          length += chunk.length;
          continue;
        }
        chunk.file = null;
      }
      if (chunk.frames !== null && chunk.framesGen === chunk.gen) {
        parts.push({ chunk, gen: chunk.gen, frames: chunk.frames, texts: null, file: null });
        length += chunk.length;
        continue;
      }
      const texts = this.textsOf(c, records);
      // The records' bytes are what a load parses; a token frame's are held for finish() all the same.
      const chars = texts.reduce((n, t) => n + (Buffer.isBuffer(t) ? t.length : 0), 0);
      const held = texts.reduce((n, t) => n + (Buffer.isBuffer(t) ? 0 : t.texts.length + t.lists.length), chars);
      length += chars;
      if (pending.chars + held > MAX_PENDING_BYTES) {
        const frames = framesOf(this.type, texts, compress);
        this.keep(chunk, chunk.gen, frames, chars, compress);
        parts.push({ chunk, gen: chunk.gen, frames, texts: null, file: null });
      } else {
        pending.chars += held;
        chunk.length = chars;
        parts.push({ chunk, gen: chunk.gen, frames: null, texts, file: null });
      }
    }
    return { parts, length };
  }

  /** Cache a chunk's frames if the chunk has not changed since they were made (only compressed ones: the cache serves snapshots that compress). */
  keep(chunk: Chunk, gen: number, frames: Buffer[], chars: number, compress: boolean): void {
    if (!compress || chunk.gen !== gen) return;
    chunk.frames = frames;
    chunk.framesGen = gen;
    chunk.length = chars;
  }

  async frames(part: Part, compress: boolean): Promise<Buffer[]> {
    if (part.frames) return part.frames;
    if (part.file !== null) {
      if (this.source === null) throw new Error("a chunk copies frames from a snapshot the encoder has let go of");
      const frames = [await rangeBytes(this.source, part.file, this.type === FrameType.nodes ? "nodes" : "decisions")];
      this.keep(part.chunk, part.gen, frames, part.chunk.length, compress);
      if (part.chunk.gen === part.gen) part.chunk.file = null;
      return frames;
    }
    const frames = await framesOfAsync(this.type, part.texts!, compress);
    this.keep(part.chunk, part.gen, frames, part.chunk.length, compress);
    return frames;
  }
}

/** The open decision at the tip of the current path, if any: what a reader of the current path wants next. */
function openAtTip(loom: Loom): { decision: object; candidates: object[] } | null {
  const tip = loom.currentPath[loom.currentPath.length - 1]!;
  let found: Loom["decisions"][string] | null = null;
  for (const id in loom.decisions) {
    const d = loom.decisions[id]!;
    if (d.parentNodeId === tip && (d.action === null || d.action === "clarify")) found = d;
  }
  if (!found) return null;
  return {
    decision: sparse(found, DECISION_DEFAULTS),
    candidates: found.candidateNodeIds.flatMap((id) => (loom.nodes[id] ? [sparse(loom.nodes[id], NODE_DEFAULTS)] : [])),
  };
}

/**
 * Encodes a loom's snapshots again and again, re-encoding only the nodes and decisions that changed
 * since the previous one: each compaction costs O(changes since the last snapshot), and candidate nodes
 * are not even serialised again (their journaled text is reused).
 *
 * The file (container 2, marker `loom-snapshot 2`; format version 6: nodes frames in columns, node-columns.ts,
 * each followed by the token frame of its lists) is a marker line and a series of frames, each with its own length, type and
 * CRC-32, so that no size of loom needs one string or buffer: head (the loom without its nodes and
 * decisions), path (the length of each current-path node's text, its open decision and the loom's
 * digest — totals, latest decisions, the tree around the tip — so that reading them needs no more), a
 * second path frame (the current path's text, one string: since version 4), nodes and decisions (≤ 1,024 records each, one JSON object per line, deflated), and end (the
 * counts, so a file cut at a frame boundary is caught). The encoder learns of changes through `noteOp`,
 * so every mutation of the loom must go through it (Session.mutate does); a loom whose record count no
 * longer matches is re-encoded in full.
 */
export class SnapshotEncoder {
  private readonly nodes: ChunkedRecords;
  private readonly decisions = new ChunkedRecords(DECISION_DEFAULTS, FrameType.decisions);
  /** The loom's digest, kept as ops are noted (a full count when an op is one it does not follow). */
  private readonly digest = new DigestTracker();

  /**
   * `plainTokens` writes tokens as arrays of token objects (the version-2 record shape, still valid at
   * version 3): only for benchmarks and tests that compare with it. Journaled encodings (packed) must not
   * be handed to such an encoder. `tokenFrames: false` keeps packed tokens inside the records (version 4's
   * layout, still valid at version 5): only for benchmarks that compare the two layouts.
   */
  constructor(options: { plainTokens?: boolean; tokenFrames?: boolean } = {}) {
    const plain = options.plainTokens ?? false;
    this.nodes = new ChunkedRecords(NODE_DEFAULTS, FrameType.nodes, plain, !plain && (options.tokenFrames ?? true));
  }
  private started = false;

  /**
   * Record what an op changed, once it has been applied to `loom`; `encoded` is how it was journaled: each
   * node's JSON (encodeOp), or the parts of its binary record (journalRecord).
   */
  noteOp(
    op: LoomOp,
    loom: Loom,
    encoded?: { nodes?: readonly Buffer[] | null; journaled?: JournaledNodes | null },
  ): void {
    this.digest.noteOp(op, loom);
    if (!this.started) return;
    if (op.op === "addCandidates") {
      // New nodes come with their encoding. The op opened the decision, or added to an open one (a reroll).
      const journaled = encoded?.journaled;
      for (let i = 0; i < op.nodes.length; i++)
        this.nodes.add(
          op.nodes[i]!.id,
          journaled ? { nodes: journaled, i, parts: null, tokens: op.nodes[i]!.tokens } : encoded?.nodes?.[i],
        );
      const d = loom.decisions[op.decisionId];
      if (d && d.candidateNodeIds.length === op.nodes.length) this.decisions.add(op.decisionId);
      else this.decisions.touch(op.decisionId);
      return;
    }
    const footprint = opFootprint(op, loom);
    // An op whose records are unknown: forget the cache rather than risk a stale snapshot.
    if (!footprint) {
      this.started = false;
      return;
    }
    for (const id of footprint.nodes) {
      if (loom.nodes[id] !== undefined) this.nodes.upsert(id);
      else this.nodes.remove(id);
    }
    for (const id of footprint.decisions) {
      if (loom.decisions[id] !== undefined) this.decisions.upsert(id);
      else this.decisions.remove(id);
    }
  }

  /** The snapshot the session opened, while chunks copy frames from it (snapshot-reuse.ts). */
  private source: FrameSource | null = null;

  /**
   * Start from the snapshot the session just read, instead of empty: the next snapshot copies the frames of
   * every chunk no op has changed since (`changed`: the records of ops replayed from the journal) from the old
   * file, and encodes only the rest. False when the file's layout is not one this encoder writes (another
   * version, other chunk boundaries) or its records are not the loom's first: the next snapshot is then
   * encoded whole, as before.
   */
  seed(
    loom: Loom,
    seed: {
      layout: SnapshotLayout;
      nodeOrder: readonly { id: string }[];
      decisionOrder: readonly { id: string }[];
      changed: { nodes: ReadonlySet<string>; decisions: ReadonlySet<string> };
    },
    source: FrameSource,
  ): boolean {
    const per = 1 << CHUNK_SHIFT;
    const nodes = chunkRanges(seed.layout.frames, "nodes", per);
    const decisions = chunkRanges(seed.layout.frames, "decisions", per);
    const ok =
      seed.layout.version === SNAPSHOT_VERSION &&
      this.nodes.writesColumns &&
      nodes !== null &&
      decisions !== null &&
      this.nodes.seed(Object.keys(loom.nodes), seed.nodeOrder, nodes, seed.changed.nodes, source) &&
      this.decisions.seed(Object.keys(loom.decisions), seed.decisionOrder, decisions, seed.changed.decisions, source);
    if (!ok) {
      this.forget();
      return false;
    }
    this.digest.forget();
    this.source = source;
    this.started = true;
    return true;
  }

  /** Drop everything cached: the next snapshot is encoded whole (after a frame of the opened snapshot failed its check). */
  forget(): void {
    this.started = false;
    this.nodes.reset();
    this.decisions.reset();
    this.release();
  }

  /** Close the opened snapshot once no chunk copies from it any more. */
  private release(): void {
    if (this.source === null || this.nodes.copiesFromFile || this.decisions.copiesFromFile) return;
    this.source.file.close();
    this.source = null;
  }

  /** Records this encoder has serialised so far (nodes and decisions): what its compactions cost. */
  get serialised(): { nodes: number; decisions: number } {
    return { nodes: this.nodes.serialised, decisions: this.decisions.serialised };
  }

  /** Serialise synchronously (so the snapshot is exactly the loom now); `finish` compresses off-thread. */
  encode(seq: number, loom: Loom, options: EncodeOptions = {}): EncodedSnapshot {
    if (!this.started) {
      this.nodes.reset();
      this.decisions.reset();
      this.digest.forget();
      this.started = true;
    }
    // Only for a loom whose current path is whole (any loom a session holds); readers of a snapshot without
    // one read the session whole. Kept up to date by noteOp; the records are still counted here, so a loom
    // changed behind the encoder's back is encoded in full.
    const digest = loom.currentPath.every((id) => loom.nodes[id] !== undefined) ? this.digest.digest(loom) : null;
    this.nodes.sync(loom.nodes);
    this.decisions.sync(loom.decisions);
    const compress = options.compress ?? true;
    const { nodes: _n, decisions: _d, ...rest } = loom;
    const head = JSON.stringify({
      format: SNAPSHOT_FORMAT,
      version: SNAPSHOT_VERSION,
      seq,
      manifestBytes: options.manifestBytes ?? null,
      loom: rest,
    });
    // The digest lets readers show totals, the latest decisions and the tree around the tip without the records.
    const texts = loom.currentPath.map((id) => loom.nodes[id]?.text ?? "");
    const path = JSON.stringify({
      segments: texts.map((t) => t.length),
      open: openAtTip(loom),
      digest,
    });
    // The path's text as one string in a frame of its own: `loom show` parses one string instead of one per
    // step, and readers of the digest alone (stats, decisions, tree) never inflate it.
    const text = JSON.stringify({ text: texts.join("") });
    const end = JSON.stringify({ nodes: this.nodes.count, decisions: this.decisions.count });
    const pending = { chars: head.length + path.length + text.length };
    const n = this.nodes.parts(loom.nodes, compress, pending);
    const d = this.decisions.parts(loom.decisions, compress, pending);
    const jsonLength = head.length + n.length + d.length;
    return {
      jsonLength,
      finish: async () => {
        // One frame at a time: deflating them all at once would fill libuv's thread pool, and every fs call
        // of the session (state writes, the snapshot itself) would queue behind it.
        const out: Buffer[] = [SNAPSHOT_MAGIC];
        out.push(
          ...(await framesOfAsync(FrameType.head, [utf8(head)], compress)),
          ...(await framesOfAsync(FrameType.path, [utf8(path)], compress)),
          ...(await framesOfAsync(FrameType.path, [utf8(text)], compress)),
        );
        for (const p of n.parts) for (const b of await this.nodes.frames(p, compress)) out.push(b);
        for (const p of d.parts) for (const b of await this.decisions.frames(p, compress)) out.push(b);
        out.push(...framesOf(FrameType.end, [utf8(end)], false));
        this.release();
        return out;
      },
    };
  }
}

export interface EncodedOp {
  /** The op's JSON: all of it, or for addCandidates everything up to its node list's opening bracket. */
  head: string;
  /** For addCandidates: each node's JSON bytes (sparse, as in snapshots), written after `head`, comma-separated. */
  nodes: Buffer[] | null;
  /** What closes the op after its nodes ("" when `nodes` is null). */
  tail: string;
}

/**
 * The JSON of an op for the journal, in pieces the journal writes as one line. Candidate nodes are encoded
 * sparse (defaults left out, which the schema fills back in) and one by one, as bytes, so the snapshot
 * encoder can reuse them instead of serialising every node a second time at the next compaction.
 */
export function encodeOp(op: LoomOp): EncodedOp {
  if (op.op !== "addCandidates") return { head: JSON.stringify(op), nodes: null, tail: "" };
  const { nodes, ...rest } = op;
  const encoded: Buffer[] = new Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) encoded[i] = recordBytes(nodes[i]!, NODE_DEFAULTS);
  return { head: JSON.stringify(rest).slice(0, -1) + `,"nodes":[`, nodes: encoded, tail: "]}" };
}

/** Serialise a snapshot synchronously (so it is exactly the loom now) and return a function that finishes encoding off-thread. */
export function encodeSnapshot(seq: number, loom: Loom, options: EncodeOptions = {}): EncodedSnapshot {
  return new SnapshotEncoder().encode(seq, loom, options);
}
