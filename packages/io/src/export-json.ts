// Exports a loom as JSON, optionally with each node's full text for tools that want it (computed in one linear pass).
import { type Loom, purgePruned } from "@loom/core";

export const JSON_EXPORT_FORMAT = "loom-export";
export const JSON_EXPORT_VERSION = 1;

export interface JsonExportOptions {
  /** Add `fullText` to every node (its root path's text). The output then grows with depth × nodes. */
  fullText?: boolean;
  /** Indentation for JSON.stringify (default 2; 0 for one line). */
  indent?: number;
  /**
   * Drop the pruned subtrees (see `purgePruned`). Without it they stay in the export, listed in `loom.pruned`,
   * so an import restores them hidden, as they were.
   */
  purge?: boolean;
}

/** Full text of every node, each computed from its parent's in O(segment): linear overall (the output is not). */
export function fullTexts(loom: Loom): Map<string, string> {
  const out = new Map<string, string>();
  const resolve = (id: string): string => {
    const chain: string[] = [];
    let at: string | null = id;
    while (at !== null && !out.has(at)) {
      chain.push(at);
      at = loom.nodes[at]!.parentId;
    }
    let text = at === null ? "" : out.get(at)!;
    for (let i = chain.length - 1; i >= 0; i--) {
      text += loom.nodes[chain[i]!]!.text;
      out.set(chain[i]!, text);
    }
    return text;
  };
  for (const id of Object.keys(loom.nodes)) resolve(id);
  return out;
}

export function exportJson(whole: Loom, options: JsonExportOptions = {}): string {
  const loom = options.purge ? purgePruned(whole) : whole;
  let body: Loom | (Omit<Loom, "nodes"> & { nodes: Record<string, Loom["nodes"][string] & { fullText: string }> }) =
    loom;
  if (options.fullText) {
    const texts = fullTexts(loom);
    const nodes: Record<string, Loom["nodes"][string] & { fullText: string }> = {};
    for (const [id, node] of Object.entries(loom.nodes)) nodes[id] = { ...node, fullText: texts.get(id)! };
    body = { ...loom, nodes };
  }
  return (
    JSON.stringify(
      { format: JSON_EXPORT_FORMAT, version: JSON_EXPORT_VERSION, loom: body },
      null,
      options.indent ?? 2,
    ) + "\n"
  );
}
