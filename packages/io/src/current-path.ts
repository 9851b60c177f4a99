// Reads the text of the current path and its open decision from the snapshot's first frames, without decoding the loom's nodes and decisions.
import { open, stat } from "node:fs/promises";
import { inflateRawSync } from "node:zlib";
import { join } from "node:path";
import {
  currentText,
  decisionsUnder,
  DecisionEventSchema,
  NodeSchema,
  openDecisionAt,
  parseDecisionFast,
  parseNodeFast,
  type DecisionEvent,
  type LoomNode,
} from "@loom/core";
import { JOURNAL_FILE, SNAPSHOT_FILE, SNAPSHOT_FORMAT, SNAPSHOT_VERSION } from "./formats.js";
import { IoError } from "./io-error.js";
import { loadSessionFiles } from "./load-session.js";
import { FLAG_DEFLATE, readFrames, SNAPSHOT_MAGIC, type Frame } from "./snapshot-frames.js";

export interface CurrentPathView {
  sessionId: string;
  /** Node ids, root … tip. */
  path: string[];
  /** The text of the current path. */
  text: string;
  /** The open (or clarifying) decision at the tip, with its candidates, if there is one. */
  open: { decision: DecisionEvent; candidates: LoomNode[] } | null;
  /** How it was read: from the head and path frames alone, or from the whole session (journal not empty, old format). */
  read: "path-frames" | "full";
}

const json = (frame: Frame) =>
  JSON.parse((frame.flags & FLAG_DEFLATE ? inflateRawSync(frame.payload) : frame.payload).toString("utf8")) as Record<
    string,
    unknown
  >;

async function journalIsEmpty(dir: string): Promise<boolean> {
  try {
    return (await stat(join(dir, JOURNAL_FILE))).size === 0;
  } catch {
    return false;
  }
}

/** The head and path frames of a format-2 snapshot, or null when the file is another format. */
async function readPathFrames(
  file: string,
): Promise<{ head: Record<string, unknown>; path: Record<string, unknown> } | null> {
  const handle = await open(file, "r");
  try {
    const first = Buffer.alloc(SNAPSHOT_MAGIC.length);
    await handle.read(first, 0, first.length, 0);
    if (!first.equals(SNAPSHOT_MAGIC)) return null;
    let head: Record<string, unknown> | null = null;
    for await (const frame of readFrames(handle, file)) {
      if (frame.type === "head") head = json(frame);
      else if (frame.type === "path" && head) return { head, path: json(frame) };
      else break;
    }
    throw new IoError("damaged", "the snapshot has no path frame after its head", { file, field: "frame 1" });
  } finally {
    await handle.close();
  }
}

/**
 * The current path's text and open decision. When the snapshot is format 2 and the journal holds nothing
 * after it (a session closed cleanly), only the snapshot's first two frames are read: the time does not
 * grow with the number of nodes off the path. Otherwise the session is read whole.
 */
export async function readCurrentPath(dir: string): Promise<CurrentPathView> {
  const file = join(dir, SNAPSHOT_FILE);
  const frames = (await journalIsEmpty(dir)) ? await readPathFrames(file) : null;
  if (frames && frames.head["format"] === SNAPSHOT_FORMAT && frames.head["version"] === SNAPSHOT_VERSION) {
    const loom = frames.head["loom"] as { sessionId: string; currentPath: string[] };
    const texts = frames.path["texts"] as string[];
    if (!Array.isArray(texts) || texts.length !== loom.currentPath.length) {
      throw new IoError("damaged", "the path frame does not match the head's current path", { file, field: "frame 1" });
    }
    const raw = frames.path["open"] as { decision: unknown; candidates: unknown[] } | null;
    const open = raw
      ? {
          decision: parseDecisionFast(raw.decision) ?? DecisionEventSchema.parse(raw.decision),
          candidates: raw.candidates.map((c) => parseNodeFast(c) ?? NodeSchema.parse(c)),
        }
      : null;
    return { sessionId: loom.sessionId, path: loom.currentPath, text: texts.join(""), open, read: "path-frames" };
  }
  const { loom } = await loadSessionFiles(dir);
  const tip = loom.currentPath.at(-1)!;
  const id =
    openDecisionAt(loom, tip) ?? decisionsUnder(loom, tip).find((d) => loom.decisions[d]?.action === "clarify") ?? null;
  const decision = id ? loom.decisions[id]! : null;
  return {
    sessionId: loom.sessionId,
    path: loom.currentPath,
    text: currentText(loom),
    open: decision ? { decision, candidates: decision.candidateNodeIds.map((c) => loom.nodes[c]!) } : null,
    read: "full",
  };
}
