// Reads a framed snapshot's head and path frames when the snapshot alone is the session: nothing in the journal after it, no manifest line it does not vouch for.
import { open, stat } from "node:fs/promises";
import { join } from "node:path";
import { inflateRawSync } from "node:zlib";
import { JOURNAL_FILE, MANIFEST_FILE, SNAPSHOT_FILE, SNAPSHOT_FORMAT, SNAPSHOT_VERSION } from "./format-names.js";
import type { LoomOp } from "@loom/core";
import { IoError } from "./io-error.js";
import { readJournalTail } from "./journal-tail.js";
import { FLAG_DEFLATE, readFrames, SNAPSHOT_MAGIC, type Frame } from "./snapshot-frames.js";
import { decode } from "./snapshot-reader.js";

export interface HeadAndPath {
  file: string;
  head: Record<string, unknown>;
  path: Record<string, unknown>;
  /** The length of each current-path node's text, root … tip (as many as the head's current path, checked). */
  segments: number[];
  /** The current path's text, when asked for (else null). */
  text: string | null;
}

const json = (frame: Frame) =>
  JSON.parse(decode(frame.flags & FLAG_DEFLATE ? inflateRawSync(frame.payload) : frame.payload)) as Record<
    string,
    unknown
  >;

async function sizeOf(file: string): Promise<number | null> {
  try {
    return (await stat(file)).size;
  } catch {
    return null;
  }
}

const HEAD_READ_BYTES = 1024 * 1024;

/** Snapshot versions whose frames this reader knows (2 and 3 keep the path's texts inline). */
const FRAMED_VERSIONS = new Set<unknown>([2, 3, 4, 5, SNAPSHOT_VERSION]);

const isLength = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;

/**
 * The path frame's segments and (when wanted) text, in either layout: version 4's `segments` with the text
 * in the next frame, or versions 2 and 3's `texts`, one string per node. Throws when they do not fit the
 * head's current path: the checksums held, so the writer disagreed with itself.
 */
function pathText(
  file: string,
  head: Record<string, unknown>,
  path: Record<string, unknown>,
  textFrame: Record<string, unknown> | null,
): { segments: number[]; text: string | null } {
  const currentPath = (head["loom"] as { currentPath?: unknown } | undefined)?.currentPath;
  const damaged = (why: string) =>
    new IoError("damaged", `the snapshot's path frame does not match its head's current path (${why})`, {
      file,
      field: "frame 1",
    });
  const texts = path["texts"];
  let segments: number[];
  let text: string | null = null;
  if (Array.isArray(texts)) {
    if (!texts.every((t) => typeof t === "string")) throw damaged("a text that is not a string");
    segments = texts.map((t: string) => t.length);
    if (textFrame !== null) text = texts.join("");
  } else {
    const s = path["segments"];
    if (!Array.isArray(s) || !s.every(isLength)) throw damaged("no segment lengths");
    segments = s as number[];
    if (textFrame !== null) {
      const t = textFrame["text"];
      if (typeof t !== "string") throw damaged("no text frame");
      let sum = 0;
      for (const n of segments) sum += n;
      if (sum !== t.length) throw damaged(`${t.length} characters of text for segments of ${sum}`);
      text = t;
    }
  }
  if (!Array.isArray(currentPath) || currentPath.length !== segments.length)
    throw damaged(`${segments.length} segments`);
  return { segments, text };
}

/**
 * The head and path frames of a framed snapshot (versions 2 to 4), or null when the file is another
 * format or version or has no path frame (only readers of the whole loom need none). `text` reads the current path's
 * text as well (version 4 keeps it in a frame of its own, which readers of the digest alone skip).
 */
export async function readHeadAndPath(file: string, options: { text?: boolean } = {}): Promise<HeadAndPath | null> {
  const handle = await open(file, "r");
  try {
    const first = Buffer.alloc(SNAPSHOT_MAGIC.length);
    await handle.read(first, 0, first.length, 0);
    if (!first.equals(SNAPSHOT_MAGIC)) return null;
    let head: Record<string, unknown> | null = null;
    let path: Record<string, unknown> | null = null;
    // The head and path frames are the first few hundred KB even of a large session: no need for big reads.
    for await (const frame of readFrames(handle, file, undefined, HEAD_READ_BYTES)) {
      if (frame.type === "head" && head === null) {
        head = json(frame);
        // Another format's path frame may be laid out otherwise: the caller reads such a session whole.
        if (head["format"] !== SNAPSHOT_FORMAT || !FRAMED_VERSIONS.has(head["version"])) return null;
      } else if (frame.type === "path" && head && path === null) {
        path = json(frame);
        const inline = Array.isArray(path["texts"]);
        if (!options.text || inline) return { file, head, path, ...pathText(file, head, path, inline ? {} : null) };
      } else if (frame.type === "path" && head && path) {
        return { file, head, path, ...pathText(file, head, path, json(frame)) };
      } else break;
    }
    if (head === null) throw new IoError("damaged", "the snapshot has no head frame", { file, field: "frame 0" });
    if (path !== null)
      throw new IoError("damaged", "the snapshot has no text frame after its path frame", { file, field: "frame 2" });
    return null;
  } finally {
    await handle.close();
  }
}

/**
 * The snapshot's head and path frames and the ops journaled after it, when loading the session whole would
 * give the snapshot's loom with exactly these ops applied and nothing to report (see journal-tail.ts); null
 * otherwise, and the caller reads the session whole. With an empty journal this is readSnapshotAlone.
 */
export async function readSnapshotAndTail(
  dir: string,
  options: { text?: boolean } = {},
): Promise<{ frames: HeadAndPath; ops: LoomOp[] } | null> {
  const journal = await sizeOf(join(dir, JOURNAL_FILE));
  if (journal === 0) {
    const frames = await readSnapshotAlone(dir, options);
    return frames && { frames, ops: [] };
  }
  if (journal === null) return null;
  const frames = await readHeadAndPath(join(dir, SNAPSHOT_FILE), options);
  const seq = frames?.head["seq"];
  const vouched = frames?.head["manifestBytes"];
  const sessionId = (frames?.head["loom"] as { sessionId?: unknown } | undefined)?.sessionId;
  if (!frames || typeof seq !== "number" || typeof vouched !== "number" || typeof sessionId !== "string") return null;
  const ops = await readJournalTail(dir, { seq, sessionId, vouched });
  return ops && { frames, ops };
}

/**
 * The snapshot's head and path frames when loading the session whole would give exactly the loom the
 * snapshot holds: the journal is empty (a session closed cleanly) and the manifest is the length the
 * snapshot vouches for (so no resolution would be restored from it). Null otherwise, or for a snapshot of
 * format 1: the caller reads the session whole.
 */
export async function readSnapshotAlone(dir: string, options: { text?: boolean } = {}): Promise<HeadAndPath | null> {
  if ((await sizeOf(join(dir, JOURNAL_FILE))) !== 0) return null;
  const frames = await readHeadAndPath(join(dir, SNAPSHOT_FILE), options);
  if (!frames) return null;
  const vouched = frames.head["manifestBytes"];
  if (typeof vouched !== "number" || (await sizeOf(join(dir, MANIFEST_FILE))) !== vouched) return null;
  return frames;
}
