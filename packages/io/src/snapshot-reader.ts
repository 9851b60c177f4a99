// Reads a snapshot file frame by frame into the snapshot record (never the whole file as one string), or a legacy JSON snapshot whole.
import { isAscii } from "node:buffer";
import { open, type FileHandle } from "node:fs/promises";
import { promisify } from "node:util";
import { gunzip, inflateRawSync } from "node:zlib";
import type { DecisionEvent, LoomNode } from "@loom/core";
import { parseDecisionFast, parseNodeFast, shareSiblingStrings, type StoredNodes } from "@loom/core/internal";
import { eventLoopTurns } from "./event-loop-turns.js";
import { FrameFile } from "./frame-file.js";
import { IoError } from "./io-error.js";
import { columnRecords, columnsAllowed, isColumnFrame } from "./node-columns.js";
import { parseJsonText } from "./parse-json.js";
import { FLAG_DEFLATE, FRAME_HEADER_BYTES, readFrames, SNAPSHOT_MAGIC, type Frame } from "./snapshot-frames.js";
import { PayloadLines, parseJsonValue } from "./payload-lines.js";
import type { FrameSpan, SnapshotLayout } from "./snapshot-reuse.js";
import { DecisionStrings } from "./snapshot-strings.js";
import { LazyTokenBytes, revivePackedTokens } from "./token-codec.js";
import {
  DeferredTokens,
  missingTokenFrame,
  reviveDeferredTokens,
  strayTokenFrame,
  TOKEN_FRAMES_FROM,
} from "./token-frames.js";

const gunzipAsync = promisify(gunzip);

export { PayloadLines };

export interface SnapshotRead {
  /** The snapshot as one record ({format, version, seq, manifestBytes, loom}), not yet validated. */
  record: Record<string, unknown>;
  /** Characters of record JSON parsed (the size a load has to parse, the yardstick for compaction). */
  jsonLength: number;
  /** Format version 0/1: one JSON document, plain or gzipped. */
  legacy: boolean;
  /** Every node and decision record was parsed as it was read (parseNodeFast, parseDecisionFast): none is left raw. */
  recordsParsed: boolean;
  /** What the read saw of the nodes as it stored them, for storedInvariantsHold (a framed read whose records were all parsed). */
  stored?: StoredNodes;
  /** Where each records frame lies in the file (a plain framed read): a writer reuses the unchanged ones (snapshot-reuse.ts). */
  layout?: SnapshotLayout;
}

export interface SnapshotReadOptions {
  /** Report damage and keep what is intact (fsck) instead of throwing at the first problem. */
  onDamage?: (error: IoError) => void;
  /**
   * Snapshot size (bytes) from which a full read leaves the token frames in the file, held open, and reads
   * one when a list of it is first read (frame-file.ts); smaller snapshots keep them in memory, without a
   * file descriptor per loom. Never with onDamage (fsck, salvage check every list at once).
   */
  tokenFramesInFileFrom?: number;
}

/** Default of `tokenFramesInFileFrom`: about 50,000 realistic nodes. */
export const TOKEN_FRAMES_IN_FILE_FROM = 16 * 1024 * 1024;

/** Text of bytes: latin1 decoding when they are all ASCII (as records almost always are) gives the same string, several times faster. */
export function decode(bytes: Buffer): string {
  return isAscii(bytes) ? bytes.toString("latin1") : bytes.toString("utf8");
}

/** A frame's payload as bytes, inflated when the frame is deflated (a stored payload lies in the frame reader's buffer: valid until the next frame); throws IoError naming the frame when it does not inflate. */
export function payloadBytes(frame: Frame, file: string): Buffer {
  if (!(frame.flags & FLAG_DEFLATE)) return frame.payload;
  try {
    // Output space for the whole frame at once, guessed from the compressed size: in zlib's default 16 KB
    // pieces a frame took dozens of allocations and a copy to join them. Since the tokens moved to frames of
    // their own (version 5) records deflate about 8:1, so 16×: at 4× most frames came out in three pieces and
    // a copy joining them (inflating 400 realistic frames: 400 → 310 CPU-ms; 32× cost more again, 540).
    const chunkSize = Math.min(Math.max(frame.payload.length * 16, 64 * 1024), 32 * 1024 * 1024);
    return inflateRawSync(frame.payload, { chunkSize });
  } catch (error) {
    // The checksum held, so this is a writer's bug or deliberate forgery rather than disk damage; still name it.
    throw new IoError(
      "damaged",
      `frame ${frame.index} (${frame.type}) does not inflate (${(error as Error).message})`,
      { file, field: `frame ${frame.index}` },
    );
  }
}

export function payloadText(frame: Frame, file: string): string {
  return decode(payloadBytes(frame, file));
}

export function parseJson(text: string, file: string, where: string): Record<string, unknown> {
  const value = parseJsonValue(text, file, where);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new IoError("invalid_field", `${where} is not a JSON object`, {
      file,
      field: where,
      expected: "a JSON object",
    });
  }
  return value as Record<string, unknown>;
}

const TOKENS_MEMBER = ',"tokens":"';

/**
 * A node record's line parsed, its packed tokens (which the writer puts last: `,"tokens":"<base64>"}`)
 * cut out of the text first and set on the record as a slice of the line: JSON.parse would copy
 * that string (most of a realistic record) only for the reader to drop it once decoded, a million times
 * over in a large loom. Anything else (plain tokens, no tokens, a value with an escape) is parsed whole,
 * and the result is the same either way: a member that closes the line is the object's last, so it wins
 * over any earlier one of the same name, as it does in JSON.parse.
 */
export function parseNodeLine(line: string, file: string, where: string): Record<string, unknown> {
  const close = line.length - 2;
  if (close > TOKENS_MEMBER.length && line.charCodeAt(close) === 0x22 && line.charCodeAt(close + 1) === 0x7d) {
    // Every search stays inside the line.
    const cut = line.lastIndexOf(TOKENS_MEMBER, close);
    const from = cut + TOKENS_MEMBER.length;
    if (cut > 0 && line.indexOf('"', from) === close) {
      const value = line.slice(from, close);
      // A plain string, as base64 is: no escape for JSON.parse to undo.
      if (value.indexOf("\\") < 0) {
        const record = parseJson(`${line.slice(0, cut)}}`, file, where);
        record["tokens"] = value;
        return record;
      }
    }
  }
  return parseJson(line, file, where);
}

/** Read a version-2 snapshot from an open handle. */
async function readFramed(handle: FileHandle, file: string, options: SnapshotReadOptions): Promise<SnapshotRead> {
  // A large snapshot's token frames stay in the file, opened again at the first of them (null: kept in memory).
  const stat = options.onDamage ? null : await handle.stat();
  let frameFile: FrameFile | null | undefined =
    stat !== null && stat.size >= (options.tokenFramesInFileFrom ?? TOKEN_FRAMES_IN_FILE_FROM) ? undefined : null;
  const inFile = (frame: Frame) => {
    if (frameFile === undefined) frameFile = FrameFile.open(file, stat!);
    return frameFile === null ? undefined : { file: frameFile, offset: frame.offset };
  };
  let record: Record<string, unknown> | null = null;
  let nodes: Record<string, unknown> = {};
  let decisions: Record<string, unknown> = {};
  let counts: Record<string, unknown> | null = null;
  let jsonLength = 0;
  const report = (error: IoError) => {
    if (!options.onDamage) throw error;
    options.onDamage(error);
  };
  const ordinal = { nodes: 0, decisions: 0 };
  // The records frames' places in the file, for a writer's next snapshot (not when looking for damage).
  const spans: FrameSpan[] | null = options.onDamage ? null : [];
  let recordsParsed = true;
  let previousNode: LoomNode | null = null;
  // Every node in the order stored, and whether each named a parent stored before it: what the load's
  // invariant check would otherwise find out by enumerating a million-key object (storedInvariantsHold).
  const order: LoomNode[] = [];
  // The decisions likewise, for the same check.
  const decisionOrder: DecisionEvent[] = [];
  let parentsFirst = true;
  let lastParent: string | null = null;
  // Decisions take their ids and time from their candidates' strings, stored before them.
  const shared = new DecisionStrings();
  // The packed token bytes of each nodes frame, kept as one string for the frame's lists.
  const lazyBytes = new LazyTokenBytes();
  // A big session takes seconds to read: the process that reads it (a server) keeps answering meanwhile.
  const turn = eventLoopTurns();
  // The token lists of the last nodes frame, waiting for the token frame after it (version 5), and its nodes.
  let awaiting: { deferred: DeferredTokens; nodes: Record<string, unknown>[]; index: number } | null = null;
  const settle = (tokenFrame: Frame | null) => {
    const waiting = awaiting;
    awaiting = null;
    if (waiting === null) {
      if (tokenFrame) report(strayTokenFrame(file, tokenFrame.index));
      return;
    }
    const { deferred, nodes: held, index } = waiting;
    try {
      if (tokenFrame === null) throw missingTokenFrame(file, index);
      deferred.fill(tokenFrame.payload, file, `frame ${tokenFrame.index} (tokens)`, inFile(tokenFrame));
      // Checked whole only when looking for damage (fsck, salvage); a plain read inflates a frame's lists when one is read.
      const bad = options.onDamage ? deferred.firstDamaged() : -1;
      if (bad >= 0)
        throw new IoError(
          "damaged",
          `frame ${tokenFrame.index} (tokens), list ${bad}, does not hold a packed token list`,
          {
            file,
            field: `frame ${tokenFrame.index}`,
          },
        );
    } catch (error) {
      if (!IoError.isInstance(error)) throw error;
      report(error);
      // A salvage keeps the nodes, without the tokens it cannot vouch for.
      for (const node of held) node["tokens"] = null;
    }
  };
  const frames = readFrames(handle, file, options.onDamage && ((e) => options.onDamage!(e)));
  for (;;) {
    let next: IteratorResult<Frame>;
    try {
      next = await frames.next();
    } catch (error) {
      // Damage to the framing itself (a cut-short or impossible frame): nothing after it can be located.
      // A salvage keeps what came before; a plain read stops here.
      if (!options.onDamage || !IoError.isInstance(error) || record === null) throw error;
      options.onDamage(error);
      if (awaiting !== null) settle(null);
      return { record, jsonLength, legacy: false, recordsParsed: false };
    }
    if (next.done) break;
    const frame = next.value;
    if (frame.type === "tokens" || awaiting !== null) settle(frame.type === "tokens" ? frame : null);
    if (frame.type === "tokens") {
      spans?.push({
        type: "tokens",
        offset: frame.offset,
        bytes: FRAME_HEADER_BYTES + frame.payload.length,
        records: 0,
        chars: 0,
        columns: false,
      });
      continue;
    }
    if (counts !== null) {
      report(
        new IoError("damaged", `frame ${frame.index} (${frame.type}) follows the end frame`, {
          file,
          field: `frame ${frame.index}`,
        }),
      );
      continue;
    }
    if (frame.type === "head") {
      const text = payloadText(frame, file);
      if (record !== null)
        throw new IoError("damaged", `frame ${frame.index} is a second head frame`, {
          file,
          field: `frame ${frame.index}`,
        });
      record = parseJson(text, file, `frame ${frame.index} (head)`);
      jsonLength += text.length;
      const loom = record["loom"];
      if (typeof loom !== "object" || loom === null || Array.isArray(loom)) {
        throw new IoError("invalid_field", "the head frame has no loom object", {
          file,
          field: "loom",
          expected: "a JSON object",
        });
      }
      nodes = {};
      decisions = {};
      order.length = 0;
      decisionOrder.length = 0;
      (loom as Record<string, unknown>)["nodes"] = nodes;
      (loom as Record<string, unknown>)["decisions"] = decisions;
    } else if (frame.type === "nodes" || frame.type === "decisions") {
      if (record === null)
        throw new IoError("damaged", `frame ${frame.index} (${frame.type}) comes before the head frame`, {
          file,
          field: `frame ${frame.index}`,
        });
      const into = frame.type === "nodes" ? nodes : decisions;
      const recordsBefore = ordinal[frame.type];
      const charsBefore = jsonLength;
      let columnFrame = false;
      const deferred = new DeferredTokens();
      const held: Record<string, unknown>[] = [];
      const bytes = payloadBytes(frame, file);
      const kind = frame.type === "nodes" ? "node" : "decision";
      // Made only for a message: a string per record was ~120 MB of garbage at a million nodes.
      const recordAt = (n: number) => `frame ${frame.index}, ${kind} record ${n}`;
      const framesAllowed = typeof record["version"] === "number" && record["version"] >= TOKEN_FRAMES_FROM;
      const take = (r: Record<string, unknown>, n: number) => {
        const id = r["id"];
        if (typeof id !== "string" || id.length === 0)
          throw new IoError("invalid_field", `${recordAt(n)} has no id`, {
            file,
            field: `${recordAt(n)}.id`,
            expected: "a non-empty string",
          });
        if (Object.hasOwn(into, id))
          throw new IoError("damaged", `${recordAt(n)} repeats the id ${id}`, { file, field: `${recordAt(n)}.id` });
        if (into === nodes) {
          // Checked at once either way; decoded whole now only when looking for damage (fsck, salvage).
          const tokens = r["tokens"];
          const counted = typeof tokens === "number";
          // The usual count checked here, so that the record is named (a string made) only for a bad one.
          if (counted && framesAllowed && Number.isInteger(tokens) && tokens >= 0)
            r["tokens"] = deferred.listAt(tokens);
          else if (counted) reviveDeferredTokens(r, record!["version"], deferred, recordAt(n), file);
          else if (typeof tokens === "string")
            revivePackedTokens(r, record!["version"], recordAt(n), { file }, options.onDamage !== undefined, lazyBytes);
          // Parsed now, while the raw record is young garbage, rather than after every frame is read (then
          // every raw record would have been kept and promoted, only to be dropped): the load's parse of the
          // loom takes the node as it is. A record the fast path doubts is kept raw for the schema to name.
          const node = parseNodeFast(r);
          if (node !== null && previousNode !== null) shareSiblingStrings(node, previousNode);
          if (node !== null) {
            previousNode = node;
            // Looked up before the node is stored (so a node that is its own parent fails), and only when a
            // node's parent differs from the one before it (siblings are stored together); the parent's own
            // id string is kept rather than an equal copy per run of siblings.
            const parentId = node.parentId;
            if (order.length === 0 ? parentId !== null : parentId === null) parentsFirst = false;
            else if (parentId !== null && parentId !== lastParent) {
              const parent = Object.hasOwn(nodes, parentId) ? (nodes[parentId] as { id: string }) : undefined;
              if (parent === undefined) parentsFirst = false;
              else node.parentId = parent.id;
            }
            lastParent = node.parentId;
            shared.noteNode(node, order.length);
            order.push(node);
          }
          into[id] = node ?? r;
          if (counted) held.push((node ?? r) as unknown as Record<string, unknown>);
          if (node === null) recordsParsed = false;
        } else {
          const decision = parseDecisionFast(r);
          if (decision !== null) {
            shared.share(decision, order);
            decisionOrder.push(decision);
          }
          into[id] = decision ?? r;
          if (decision === null) recordsParsed = false;
        }
      };
      if (into === nodes && isColumnFrame(bytes) && columnsAllowed(record["version"])) {
        // A column frame (version 6): its records are built whole, then taken one by one as lines are.
        columnFrame = true;
        let columns: Record<string, unknown>[] = [];
        try {
          const read = columnRecords(bytes, file, `frame ${frame.index} (nodes)`);
          columns = read.records;
          jsonLength += read.chars;
        } catch (error) {
          if (!IoError.isInstance(error)) throw error;
          report(error);
        }
        for (let k = 0; k < columns.length; k++) {
          const n = ordinal.nodes++;
          if ((n & 63) === 0) {
            const pause = turn();
            if (pause) await pause;
          }
          try {
            take(columns[k]!, n);
          } catch (error) {
            if (!IoError.isInstance(error)) throw error;
            report(error);
          }
        }
      } else {
        const lines = new PayloadLines(bytes);
        for (let line = lines.next(); line !== undefined; line = lines.next()) {
          const n = ordinal[frame.type]++;
          // The clock read every 64 records: each read cost more than a small record's parse.
          if ((n & 63) === 0) {
            const pause = turn();
            if (pause) await pause;
          }
          const where = `frame ${frame.index}, ${kind} record ${n}`;
          try {
            take(into === nodes ? parseNodeLine(line, file, where) : parseJson(line, file, where), n);
          } catch (error) {
            if (!IoError.isInstance(error)) throw error;
            report(error);
          }
        }
        jsonLength += lines.chars;
      }
      lazyBytes.seal();
      spans?.push({
        type: frame.type,
        offset: frame.offset,
        bytes: FRAME_HEADER_BYTES + frame.payload.length,
        records: ordinal[frame.type] - recordsBefore,
        chars: jsonLength - charsBefore,
        columns: columnFrame,
      });
      if (deferred.lengths.length > 0) awaiting = { deferred, nodes: held, index: frame.index };
    } else if (frame.type === "end") {
      counts = parseJson(payloadText(frame, file), file, `frame ${frame.index} (end)`);
    }
    // "path" frames serve readers of the current path; a full read rebuilds everything from the records.
  }
  if (awaiting !== null) settle(null);
  if (record === null)
    throw new IoError("damaged", "the snapshot has no head frame (truncated right after its marker?)", {
      file,
      field: "frame 0",
    });
  if (counts === null) {
    report(
      new IoError("damaged", "the snapshot ends without its end frame: the file was cut short", {
        file,
        field: "(end of file)",
        expected: "an end frame with the record counts",
      }),
    );
  } else if (counts["nodes"] !== ordinal.nodes || counts["decisions"] !== ordinal.decisions) {
    report(
      new IoError(
        "damaged",
        `the snapshot holds ${ordinal.nodes} nodes and ${ordinal.decisions} decisions; its end frame says ${String(counts["nodes"])} and ${String(counts["decisions"])}`,
        {
          file,
          field: "end",
        },
      ),
    );
  }
  const stored =
    recordsParsed && !options.onDamage
      ? {
          of: nodes as Record<string, LoomNode>,
          order,
          parentsFirst,
          decisions: { of: decisions as Record<string, DecisionEvent>, order: decisionOrder },
        }
      : undefined;
  const layout: SnapshotLayout | undefined =
    stored && stat && spans ? { version: record["version"], dev: stat.dev, ino: stat.ino, frames: spans } : undefined;
  return {
    record,
    jsonLength,
    legacy: false,
    recordsParsed,
    ...(stored ? { stored } : {}),
    ...(layout ? { layout } : {}),
  };
}

/** Read the snapshot file `file`; null when it does not exist. */
export async function readSnapshotFile(file: string, options: SnapshotReadOptions = {}): Promise<SnapshotRead | null> {
  let handle: FileHandle;
  try {
    handle = await open(file, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw IoError.fromSystem(error, file, "read the snapshot");
  }
  try {
    const first = Buffer.alloc(SNAPSHOT_MAGIC.length);
    const { bytesRead } = await handle.read(first, 0, first.length, 0);
    if (bytesRead === first.length && first.equals(SNAPSHOT_MAGIC)) return await readFramed(handle, file, options);
    return await readLegacy(await handle.readFile(), file);
  } catch (error) {
    throw IoError.isInstance(error) ? error : IoError.fromSystem(error, file, "read the snapshot");
  } finally {
    await handle.close();
  }
}

/** A version 0/1 snapshot: one JSON document, gzipped once large. Read whole, as it was written; the next compaction rewrites it framed. */
async function readLegacy(bytes: Buffer, file: string): Promise<SnapshotRead> {
  let json: string;
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      json = decode(await gunzipAsync(bytes, { chunkSize: 1024 * 1024 }));
    } catch (error) {
      throw new IoError("malformed_json", `the compressed snapshot is damaged (${(error as Error).message})`, {
        file,
        field: "(whole file)",
        expected: "a Loom snapshot (framed, or gzip-compressed JSON, or plain JSON)",
      });
    }
  } else {
    json = decode(bytes);
  }
  const raw = parseJsonText(json, file, "a JSON snapshot {format, version, seq, loom}");
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new IoError("invalid_field", "is not a JSON object", {
      file,
      field: "(top level)",
      expected: "a JSON object",
    });
  }
  return { record: raw as Record<string, unknown>, jsonLength: json.length, legacy: true, recordsParsed: false };
}
