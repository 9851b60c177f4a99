// The JSON export: the whole loom (validated format), the current text, and optionally every node's full text.
import { currentText, nodeText, type Loom } from "@loom/core";

export const EXPORT_FORMAT = "loom-export";
export const EXPORT_VERSION = 1;

export interface LoomExport {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  exportedAt: string;
  text: string;
  loom: Loom;
  /** Present with --full-text: each node's text from the root, for tools that do not want to join segments. */
  fullText?: Record<string, string>;
}

export function exportJson(loom: Loom, options: { fullText?: boolean; now?: () => Date } = {}): LoomExport {
  const doc: LoomExport = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: (options.now ?? (() => new Date()))().toISOString(),
    text: currentText(loom),
    loom,
  };
  if (options.fullText) {
    // Full texts are quadratic in depth by nature; only on request.
    doc.fullText = Object.fromEntries(Object.keys(loom.nodes).map((id) => [id, nodeText(loom, id)]));
  }
  return doc;
}
