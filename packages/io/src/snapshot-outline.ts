// Reads a closed session's outline from its snapshot in one pass: per node its parent, text, origin, step logprob and token texts, and every decision, without keeping node records or inflating token lists.
import { isAscii } from "node:buffer";
import { open, stat } from "node:fs/promises";
import { join } from "node:path";
import { DecisionEventSchema, NodeSchema, type DecisionEvent, type Loom, type LoomNode } from "@loom/core";
import { parseDecisionFast, parseLoomFast, parseNodeFast } from "@loom/core/internal";
import { JOURNAL_FILE, MANIFEST_FILE, SNAPSHOT_FILE, SNAPSHOT_FORMAT } from "./format-names.js";
import { IoError } from "./io-error.js";
import { checkEndCounts, readFrames, SNAPSHOT_MAGIC, type Frame } from "./snapshot-frames.js";
import { frameRecords } from "./frame-records.js";
import { parseJson, payloadBytes, payloadText } from "./snapshot-reader.js";
import { TextNumbers } from "./text-numbers.js";
import { revivePackedTokens } from "./token-codec.js";
import {
  DeferredTokens,
  deferredTokenCount,
  missingTokenFrame,
  strayTokenFrame,
  tokenFrameNumbers,
  tokenTexts,
} from "./token-frames.js";
import { parseOrThrow } from "./zod-issue.js";

/*
 * Why a reader of its own: `loom analyze` reads a thousand sessions of 1,600 realistic nodes and keeps five
 * fields of each. Streaming the records (snapshot-records.ts) built every node, held each token frame's lists,
 * parsed the path frame's digest and made one string of each inflated frame; V8 allocates a string of a few
 * hundred KB in its large-object space, which cost more than inflating the frame. Here each record line is its
 * own short string, the path frames are checked (their CRC) but never inflated, and token texts come from the
 * token frame's texts column while it is in the read buffer, as numbers (text-numbers.ts): a reader comparing
 * tokens compares integers, and only each distinct text becomes a string.
 */

/** What a reader of a session's shape keeps of a node: no tokens' alternatives or logprobs, no provenance. */
export interface NodeOutline {
  parentId: string | null;
  text: string;
  /** Each token's text as its number in the outline's `tokenTexts` when the node has tokens, else null. */
  tokenNumbers: number[] | null;
  stepLogprob: number | null;
  origin: LoomNode["origin"];
}

export interface SnapshotOutline {
  /** The loom without its nodes and decisions (ids, paths, brief, config), as a whole read gives it. */
  loom: Omit<Loom, "nodes" | "decisions">;
  /**
   * By id. A Map rather than a record: an id read from JSON is a fresh string, and using it as a property key
   * makes V8 intern it first (a string-table lookup for every node stored and every candidate looked up).
   */
  nodes: Map<string, NodeOutline>;
  decisions: DecisionEvent[];
  /** The token texts by number (the numbering the caller passed in, grown by this read). */
  tokenTexts: TextNumbers;
}

/** Snapshot versions whose record layout this reader knows (older ones are read through readSnapshotRecords). */
const OUTLINE_VERSIONS = new Set<unknown>([5, 6]);

async function sizeOf(file: string): Promise<number | null> {
  try {
    return (await stat(file)).size;
  } catch {
    return null;
  }
}

/** A nodes frame's outlines whose token lists are in the token frame that must follow it. */
interface Waiting {
  frame: number;
  /** The outline of each record with a token count, in the token frame's order, and that count. */
  outlines: NodeOutline[];
  lengths: number[];
}

/**
 * The outline of the session in `dir` when its snapshot alone is the session (the journal empty, the manifest
 * the length the snapshot vouches for) and is of a version this reader knows; null otherwise, and the caller
 * reads the session another way. Every record is validated as a whole read validates it; throws IoError naming
 * the file, frame and record on damage. Token texts are numbered in `numbers` (a caller reading the session
 * another way when this gives null numbers its texts in the same one).
 */
export async function readSnapshotOutline(
  dir: string,
  numbers: TextNumbers = new TextNumbers(),
): Promise<SnapshotOutline | null> {
  if ((await sizeOf(join(dir, JOURNAL_FILE))) !== 0) return null;
  const file = join(dir, SNAPSHOT_FILE);
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, "r");
  } catch {
    return null; // a whole read names what is missing
  }
  try {
    const first = Buffer.alloc(SNAPSHOT_MAGIC.length);
    await handle.read(first, 0, first.length, 0);
    if (!first.equals(SNAPSHOT_MAGIC)) return null;
    let loom: SnapshotOutline["loom"] | null = null;
    let version: unknown;
    const nodes = new Map<string, NodeOutline>();
    const decisions: DecisionEvent[] = [];
    const seen = { nodes: 0, decisions: 0 };
    let counts: Record<string, unknown> | null = null;
    let waiting: Waiting | null = null;
    for await (const frame of readFrames(handle, file)) {
      if (waiting !== null) {
        if (frame.type !== "tokens") throw missingTokenFrame(file, waiting.frame);
        fillTokenNumbers(waiting, frame, file, numbers);
        waiting = null;
        continue;
      }
      if (loom === null) {
        if (frame.type !== "head")
          throw new IoError("damaged", "the snapshot has no head frame", { file, field: "frame 0" });
        const head = parseJson(payloadText(frame, file), file, "frame 0 (head)");
        version = head["version"];
        if (head["format"] !== SNAPSHOT_FORMAT || !OUTLINE_VERSIONS.has(version)) return null;
        const vouched = head["manifestBytes"];
        if (typeof vouched !== "number" || (await sizeOf(join(dir, MANIFEST_FILE))) !== vouched) return null;
        const parsed =
          typeof head["loom"] === "object" && head["loom"] !== null
            ? parseLoomFast({ ...head["loom"], nodes: {}, decisions: {} })
            : null;
        if (parsed === null) return null; // a whole read names the problem
        const { nodes: _n, decisions: _d, ...rest } = parsed;
        loom = rest;
        continue;
      }
      if (frame.type === "nodes") waiting = readNodes(frame, file, version, nodes, seen, numbers);
      else if (frame.type === "decisions") readDecisions(frame, file, decisions, seen);
      else if (frame.type === "tokens") throw strayTokenFrame(file, frame.index);
      else if (frame.type === "end") counts = parseJson(payloadText(frame, file), file, `frame ${frame.index} (end)`);
      // The path frames (the current path's text and the digest) are not needed: readFrames checked their CRC.
    }
    if (waiting !== null) throw missingTokenFrame(file, waiting.frame, "the file ends first");
    if (loom === null) throw new IoError("damaged", "the snapshot has no head frame", { file, field: "frame 0" });
    checkEndCounts(file, counts, seen);
    return { loom, nodes, decisions, tokenTexts: numbers };
  } finally {
    await handle.close();
  }
}

/** Adds a nodes frame's outlines to `nodes`; returns what waits for the token frame after it, if anything does. */
function readNodes(
  frame: Frame,
  file: string,
  version: unknown,
  nodes: Map<string, NodeOutline>,
  seen: { nodes: number },
  numbers: TextNumbers,
): Waiting | null {
  const waiting: Waiting = { frame: frame.index, outlines: [], lengths: [] };
  for (const { raw, where } of frameRecords(payloadBytes(frame, file), frame, file, version, seen)) {
    // A token count (the list in the token frame after this one) is checked, then left out of the record.
    const count = deferredTokenCount(raw, version, where, file);
    if (count !== null) raw["tokens"] = null;
    else revivePackedTokens(raw, version, where, { file });
    const node = parseNodeFast(raw) ?? parseOrThrow(NodeSchema, raw, { file }, where);
    const outline: NodeOutline = {
      parentId: node.parentId,
      text: node.text,
      tokenNumbers: node.tokens ? numbers.numbersOf(tokenTexts(node.tokens)) : null,
      stepLogprob: node.stepLogprob,
      origin: node.origin,
    };
    if (count !== null) {
      waiting.outlines.push(outline);
      waiting.lengths.push(count);
    }
    nodes.set(node.id, outline);
  }
  return waiting.outlines.length > 0 ? waiting : null;
}

function fillTokenNumbers(waiting: Waiting, frame: Frame, file: string, numbers: TextNumbers): void {
  const column = tokenFrameNumbers(frame.payload, waiting.lengths, numbers);
  if (column !== null) {
    for (let k = 0; k < column.length; k++) waiting.outlines[k]!.tokenNumbers = column[k]!;
    return;
  }
  // The texts column does not fit (its CRC held, so a writer's slip): the lists themselves, as a whole read gives them.
  const deferred = new DeferredTokens();
  const lists = waiting.lengths.map((n) => deferred.listAt(n));
  deferred.fill(frame.payload, file, `frame ${frame.index} (tokens)`);
  for (let k = 0; k < lists.length; k++) waiting.outlines[k]!.tokenNumbers = numbers.numbersOf(lists[k]!.texts());
}

function readDecisions(frame: Frame, file: string, decisions: DecisionEvent[], seen: { decisions: number }): void {
  eachRecord(payloadBytes(frame, file), (parsed, text) => {
    const index = seen.decisions++;
    const raw = parsed ?? parseJson(text!, file, recordPlace(frame, "decision", index));
    decisions.push(
      parseDecisionFast(raw) ?? parseOrThrow(DecisionEventSchema, raw, { file }, recordPlace(frame, "decision", index)),
    );
  });
}

/** Characters of records parsed at once: below V8's large-object size, so each chunk's string is an ordinary one. */
const CHUNK_BYTES = 32 * 1024;

/**
 * Each record (line) of a decisions frame's payload, in order: `visit` gets its JSON object, or null and the
 * line's text when it is not one (the caller's parseJson then names the error). Why in chunks: a JSON.parse of
 * a chunk's records as one array cost 12-20 % less than one per line (the nodes and decisions frames of 100
 * bench sessions in the line layout: 507-530 vs 594-690 CPU-ms); a chunk whose array does not hold one object a
 * line is parsed line by line. (Nodes frames are read through frameRecords: columns since version 6.)
 */
function eachRecord(bytes: Buffer, visit: (parsed: Record<string, unknown> | null, text: string | null) => void): void {
  // latin1 gives the same strings as UTF-8 for ASCII bytes, faster.
  const encoding = isAscii(bytes) ? "latin1" : "utf8";
  // A last line break ends the last record; no record follows it.
  const size = bytes.length > 0 && bytes[bytes.length - 1] === 0x0a ? bytes.length - 1 : bytes.length;
  for (let start = 0; start < bytes.length; ) {
    let end = start + CHUNK_BYTES >= size ? size : bytes.lastIndexOf(0x0a, start + CHUNK_BYTES);
    if (end < start) end = bytes.indexOf(0x0a, start + CHUNK_BYTES);
    if (end < 0 || end > size) end = size;
    let lines = 1;
    for (let at = bytes.indexOf(0x0a, start); at >= 0 && at < end; at = bytes.indexOf(0x0a, at + 1)) lines++;
    const text = bytes.toString(encoding, start, end);
    const records = recordsOf(text, lines);
    if (records !== null) for (const r of records) visit(r, null);
    else for (const line of text.split("\n")) visit(objectOf(line), line);
    start = end + 1;
  }
}

/** The `lines` records of `text` parsed as one array; null unless that gives exactly one JSON object a line. */
function recordsOf(text: string, lines: number): Record<string, unknown>[] | null {
  let records: unknown;
  try {
    records = JSON.parse(`[${text.replaceAll("\n", ",")}]`);
  } catch {
    return null;
  }
  // One value a line (a line holding two, "{…},{…}", would make one more), each an object.
  if (!Array.isArray(records) || records.length !== lines) return null;
  for (const r of records) if (typeof r !== "object" || r === null || Array.isArray(r)) return null;
  return records as Record<string, unknown>[];
}

/**
 * Names a record for an error ("frame 3, node record 41"), made only where one is thrown or a token list read:
 * a name built for each of a session's 1,800 records was garbage for all but a damaged one.
 */
const recordPlace = (frame: Frame, kind: "node" | "decision", index: number) =>
  `frame ${frame.index}, ${kind} record ${index}`;

/** The JSON object `text` holds, or null when it is not one (parseJson then says why, naming the record). */
function objectOf(text: string): Record<string, unknown> | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}
