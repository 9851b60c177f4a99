// The JSON export's format: its name and version, and the document's shape (written by write-json-export.ts).
import type { Loom } from "@loom/core";

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
