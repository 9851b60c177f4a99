// Loom's JSON export, one format for the CLI, the server and the page: {format, version, exportedAt, text, loom,
// fullText?}, written in pieces (one node or decision per line) from a loom in memory or from records streamed
// off a closed session's snapshot, so no size of loom becomes one string. The reader is export-json-read.ts.
import { childrenOf, type DecisionEvent, type Loom, type LoomNode, purgePruned } from "@loom/core";
import type { SnapshotRecord, SnapshotRecords } from "./snapshot-records.js";
import type { Sink } from "./stream-file.js";

export const JSON_EXPORT_FORMAT = "loom-export";
/**
 * 2: one document everywhere. Version 1 had two: the CLI's (this shape) and the server's `{format, version,
 * loom}` with `fullText` inside each node. Both still import (export-json-read.ts).
 */
export const JSON_EXPORT_VERSION = 2;

export interface JsonExportOptions {
  /** Add `fullText`: each node's text from the root, for tools that do not want to join segments (grows with depth × nodes). */
  fullText?: boolean;
  /**
   * Drop the pruned subtrees (see `purgePruned`). Without it they stay in the export, listed in `loom.pruned`,
   * so an import restores them hidden, as they were.
   */
  purge?: boolean;
  /** The clock for `exportedAt` (tests). */
  now?: () => Date;
}

/** What an export is written from: the loom without its records, the current path's text, every node then every decision. */
export interface JsonExportSource {
  loom: Omit<Loom, "nodes" | "decisions">;
  text: string;
  records(): AsyncIterable<SnapshotRecord> | Iterable<SnapshotRecord>;
  /** The whole loom, when it is in memory (full texts need it). */
  whole: Loom | null;
}

export function loomExportSource(loom: Loom): JsonExportSource {
  const { nodes, decisions, ...rest } = loom;
  return {
    loom: rest,
    text: loom.currentPath.map((id) => nodes[id]!.text).join(""),
    *records() {
      for (const id in nodes) yield { kind: "node", record: nodes[id] as LoomNode };
      for (const id in decisions) yield { kind: "decision", record: decisions[id] as DecisionEvent };
    },
    whole: loom,
  };
}

export function snapshotExportSource(snapshot: SnapshotRecords): JsonExportSource {
  return { ...snapshot, whole: null };
}

/** Entries of a record, one `"id": {...}` per line, flushed in batches. */
class RecordWriter {
  private batch = "";
  private first = true;

  constructor(private readonly sink: Sink) {}

  async open(name: string): Promise<void> {
    await this.sink(`"${name}":{`);
    this.first = true;
  }

  async entry(id: string, value: unknown): Promise<void> {
    this.batch += `${this.first ? "" : ","}\n${JSON.stringify(id)}:${JSON.stringify(value)}`;
    this.first = false;
    if (this.batch.length > 1 << 16) {
      await this.sink(this.batch);
      this.batch = "";
    }
  }

  async close(last: boolean): Promise<void> {
    await this.sink(`${this.batch}\n}${last ? "" : ","}`);
    this.batch = "";
  }
}

/** The export document, streamed into `sink`: JSON.parse, jq and Python's json read it as usual. */
export async function writeJsonExport(
  source: JsonExportSource,
  sink: Sink,
  options: Pick<JsonExportOptions, "fullText" | "now"> = {},
): Promise<void> {
  const head = {
    format: JSON_EXPORT_FORMAT,
    version: JSON_EXPORT_VERSION,
    exportedAt: (options.now ?? (() => new Date()))().toISOString(),
    text: source.text,
  };
  await sink(`${JSON.stringify(head).slice(0, -1)},\n"loom":{`);
  await sink(`${JSON.stringify(source.loom).slice(1, -1)},\n`);
  const out = new RecordWriter(sink);
  await out.open("nodes");
  let inDecisions = false;
  for await (const r of source.records()) {
    if (r.kind === "decision" && !inDecisions) {
      await out.close(false);
      await out.open("decisions");
      inDecisions = true;
    }
    await out.entry(r.record.id, r.record);
  }
  if (!inDecisions) {
    await out.close(false);
    await out.open("decisions");
  }
  await out.close(true);
  await sink("}");
  if (options.fullText) {
    const loom = source.whole;
    if (!loom) throw new Error("full texts need the whole loom in memory");
    await sink(",\n");
    await out.open("fullText");
    // Depth first from the root, holding only the texts of the nodes waiting on the stack (not one per node).
    const stack: [string, string][] = [[loom.rootId, loom.nodes[loom.rootId]!.text]];
    while (stack.length > 0) {
      const [id, text] = stack.pop()!;
      await out.entry(id, text);
      for (const child of childrenOf(loom, id)) stack.push([child, text + loom.nodes[child]!.text]);
    }
    await out.close(true);
  }
  await sink("}\n");
}

/** The export of a loom in memory as one string (the server's download; use writeJsonExport for a big loom). */
export async function exportJson(whole: Loom, options: JsonExportOptions = {}): Promise<string> {
  const loom = options.purge ? purgePruned(whole) : whole;
  const pieces: string[] = [];
  await writeJsonExport(loomExportSource(loom), (piece) => void pieces.push(piece), options);
  return pieces.join("");
}
