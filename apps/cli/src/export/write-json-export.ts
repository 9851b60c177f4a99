// Writes the JSON export in pieces — one node or decision per line — so no size of loom becomes one string, and the file stays close to the session's size.
import { currentText, nodeText, type Loom } from "@loom/core";
import { EXPORT_FORMAT, EXPORT_VERSION } from "./export-json.js";

export type Sink = (chunk: string) => Promise<void> | void;

/** Entries of a record, one `"id": {...}` per line, flushed in batches. */
async function writeRecord(sink: Sink, name: string, record: Record<string, unknown>, last: boolean): Promise<void> {
  await sink(`"${name}":{`);
  let batch = "";
  let first = true;
  for (const [id, value] of Object.entries(record)) {
    batch += `${first ? "" : ","}\n${JSON.stringify(id)}:${JSON.stringify(value)}`;
    first = false;
    if (batch.length > 1 << 16) {
      await sink(batch);
      batch = "";
    }
  }
  await sink(`${batch}\n}${last ? "" : ","}`);
}

/**
 * A `LoomExport` document (format, version, exportedAt, text, loom, fullText?),
 * streamed: JSON.parse, jq and Python's json read it as usual.
 */
export async function writeJsonExport(
  loom: Loom,
  sink: Sink,
  options: { fullText?: boolean; now?: () => Date } = {},
): Promise<void> {
  const head = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: (options.now ?? (() => new Date()))().toISOString(),
    text: currentText(loom),
  };
  await sink(`${JSON.stringify(head).slice(0, -1)},\n"loom":{`);
  const { nodes, decisions, ...rest } = loom;
  await sink(`${JSON.stringify(rest).slice(1, -1)},\n`);
  await writeRecord(sink, "nodes", nodes, false);
  await writeRecord(sink, "decisions", decisions, true);
  await sink("}");
  if (options.fullText) {
    await sink(",\n");
    // Full texts are quadratic in depth by nature; only on request.
    const full: Record<string, string> = {};
    for (const id of Object.keys(nodes)) full[id] = nodeText(loom, id);
    await writeRecord(sink, "fullText", full, true);
  }
  await sink("}\n");
}
