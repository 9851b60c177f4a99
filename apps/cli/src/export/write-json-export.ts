// Writes the JSON export in pieces — one node or decision per line — from a loom in memory or from records streamed off the snapshot, so no size of loom becomes one string and memory stays near one frame.
import type { DecisionEvent, Loom, LoomNode } from "@loom/core";
import { nodeText } from "@loom/core";
import type { SnapshotRecord, SnapshotRecords } from "@loom/io";
import type { Sink } from "@loom/io/internal";
import { EXPORT_FORMAT, EXPORT_VERSION } from "./export-json.js";

/** What the export is written from: the loom without its records, the current path's text, and every node then every decision. */
export interface ExportSource {
  loom: Omit<Loom, "nodes" | "decisions">;
  text: string;
  records(): AsyncIterable<SnapshotRecord> | Iterable<SnapshotRecord>;
  /** The whole loom, when it is in memory (full texts need it). */
  whole: Loom | null;
}

export function loomSource(loom: Loom): ExportSource {
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

export function snapshotSource(snapshot: SnapshotRecords): ExportSource {
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

/**
 * A `LoomExport` document (format, version, exportedAt, text, loom, fullText?),
 * streamed: JSON.parse, jq and Python's json read it as usual.
 */
export async function writeJsonExport(
  source: ExportSource,
  sink: Sink,
  options: { fullText?: boolean; now?: () => Date } = {},
): Promise<void> {
  const head = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
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
    // Full texts are quadratic in depth by nature; only on request.
    await out.open("fullText");
    for (const id of Object.keys(loom.nodes)) await out.entry(id, nodeText(loom, id));
    await out.close(true);
  }
  await sink("}\n");
}
