// Streams a closed session's nodes and decisions from its snapshot one frame at a time, for writers (the JSON export) that need every record but never all of them at once.
import { open } from "node:fs/promises";
import { DecisionEventSchema, NodeSchema, type DecisionEvent, type Loom, type LoomNode } from "@loom/core";
import { parseDecisionFast, parseLoomFast, parseNodeFast } from "@loom/core/internal";
import { readSnapshotAlone } from "./snapshot-alone.js";
import { checkEndCounts, readFrames } from "./snapshot-frames.js";
import { frameRecords } from "./frame-records.js";
import { parseJson, payloadBytes, payloadText } from "./snapshot-reader.js";
import { revivePackedTokens } from "./token-codec.js";
import { DeferredTokens, missingTokenFrame, reviveDeferredTokens, strayTokenFrame } from "./token-frames.js";
import { parseOrThrow } from "./zod-issue.js";

export type SnapshotRecord = { kind: "node"; record: LoomNode } | { kind: "decision"; record: DecisionEvent };

export interface SnapshotRecords {
  /** The loom without its nodes and decisions (ids, paths, brief, config), as a whole read gives it. */
  loom: Omit<Loom, "nodes" | "decisions">;
  /** The current path's text. */
  text: string;
  /** Every node, then every decision, with the schema's defaults filled in, read one frame at a time; throws IoError on damage (at the end, for missing records). */
  records(): AsyncGenerator<SnapshotRecord>;
}

/**
 * The snapshot's records as a stream when the snapshot alone is the session (a session closed cleanly:
 * nothing in the journal after it, no manifest line it does not vouch for); null otherwise, and the caller
 * reads the session whole. Memory stays at one frame (≤ 1,024 records) however large the session.
 */
export async function readSnapshotRecords(dir: string): Promise<SnapshotRecords | null> {
  const frames = await readSnapshotAlone(dir, { text: true });
  if (!frames) return null;
  const head = frames.head["loom"];
  if (typeof head !== "object" || head === null || frames.text === null) return null;
  const parsed = parseLoomFast({ ...head, nodes: {}, decisions: {} });
  if (parsed === null) return null; // a whole read names the problem
  const { nodes: _n, decisions: _d, ...loom } = parsed;
  const file = frames.file;
  const version = frames.head["version"];
  return { loom, text: frames.text, records: () => recordsOf(file, version) };
}

async function* recordsOf(file: string, version: unknown): AsyncGenerator<SnapshotRecord> {
  const handle = await open(file, "r");
  try {
    const seen = { nodes: 0, decisions: 0 };
    let counts: Record<string, unknown> | null = null;
    // A version-5 nodes frame's nodes wait for the token frame after it, which their lazy lists read.
    let held: { nodes: LoomNode[]; deferred: DeferredTokens; index: number } | null = null;
    for await (const frame of readFrames(handle, file)) {
      if (held !== null) {
        const { nodes, deferred, index } = held;
        held = null;
        if (frame.type !== "tokens") throw missingTokenFrame(file, index);
        deferred.fill(frame.payload, file, `frame ${frame.index} (tokens)`);
        for (const record of nodes) yield { kind: "node", record };
        continue;
      }
      if (frame.type === "end") counts = parseJson(payloadText(frame, file), file, `frame ${frame.index} (end)`);
      if (frame.type === "tokens") throw strayTokenFrame(file, frame.index);
      if (frame.type !== "nodes" && frame.type !== "decisions") continue;
      const bytes = payloadBytes(frame, file);
      const deferred = new DeferredTokens();
      const nodes: LoomNode[] = [];
      for (const { raw, where } of frameRecords(bytes, frame, file, version, seen)) {
        if (frame.type === "nodes") {
          reviveDeferredTokens(raw, version, deferred, where, file);
          revivePackedTokens(raw, version, where, { file });
          nodes.push(parseNodeFast(raw) ?? parseOrThrow(NodeSchema, raw, { file }, where));
        } else
          yield {
            kind: "decision",
            record: parseDecisionFast(raw) ?? parseOrThrow(DecisionEventSchema, raw, { file }, where),
          };
      }
      if (deferred.lengths.length > 0) held = { nodes, deferred, index: frame.index };
      else for (const record of nodes) yield { kind: "node", record };
    }
    if (held !== null) throw missingTokenFrame(file, held.index, "the file ends first");
    checkEndCounts(file, counts, seen);
  } finally {
    await handle.close();
  }
}
