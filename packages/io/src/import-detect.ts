// Which loom tool wrote a file: the one place that tells the import formats apart, by the keys each tool always writes.
import { isObject, type Json } from "./foreign-check.js";

export type ImportFormat =
  | "loom-export"
  | "pyloom"
  | "loomsidian"
  | "miniloom"
  | "tapestry"
  | "tapestry-binary"
  | "tapestry-binary-v1"
  | "exoloom";

interface FormatCheck {
  format: ImportFormat;
  /** The tool, as a user knows it. */
  tool: string;
  /** What the detector looks for, in words (listed when nothing matches). */
  checked: string;
  matches: (v: Json) => boolean;
}

const isWeave = (v: unknown) => isObject(v) && isObject(v.nodes) && Array.isArray(v.roots) && "metadata" in v;
const noteLike = (v: unknown) => isObject(v) && "nodes" in v && "current" in v;

/** In order: the most specific marks first (a Tapestry weave and a Loomsidian note both have `nodes`). */
export const IMPORT_FORMATS: readonly FormatCheck[] = [
  {
    format: "loom-export",
    tool: "Loom JSON export",
    checked: '"format": "loom-export", or a bare loom (sessionId, rootId)',
    matches: (v) => v.format === "loom-export" || ("sessionId" in v && "rootId" in v),
  },
  {
    format: "exoloom",
    tool: "Exoloom",
    checked: '"loomType": "Exoloom" with tree.nodes',
    matches: (v) => v.loomType === "Exoloom",
  },
  {
    format: "miniloom",
    tool: "MiniLoom / MiniHF",
    checked: "loomTree (with nodeStore: nodes as patches against their parent)",
    matches: (v) => "loomTree" in v,
  },
  {
    format: "tapestry",
    tool: "Tapestry Loom",
    checked:
      'a JSON weave: nodes, roots and metadata (migration-assistant --output-debug-json), or {"version", "data": weave}',
    matches: (v) => isWeave(v) || (typeof v.version === "number" && isWeave(v.data)),
  },
  {
    // The binary weaves are told apart by their first bytes and header version, before any JSON parse
    // (import-file.ts, tapestry-binary.ts); they never match a parsed value.
    format: "tapestry-binary-v1",
    tool: "Tapestry Loom (binary weave, format 1: what the app saves today)",
    checked: "a binary .tapestry file: the magic VersionedTapestryWeave__ and format version 1",
    matches: () => false,
  },
  {
    format: "tapestry-binary",
    tool: "Tapestry Loom (binary weave, format 2: tapestry-weave 01f907557a9c)",
    checked: "a binary .tapestry file: the magic VersionedTapestryWeave__ and format version 2",
    matches: () => false,
  },
  {
    format: "loomsidian",
    tool: "Loomsidian (Obsidian loom plugin)",
    checked: "state (data.json: a note's path → {current, nodes}), or one note's {current, nodes}",
    matches: (v) => "state" in v || noteLike(v),
  },
  {
    format: "pyloom",
    tool: "PyLoom (socketteer/loom)",
    checked: "root (a node {text, children}), or a bare node {text, children}",
    matches: (v) => "root" in v || ("text" in v && Array.isArray(v.children)),
  },
];

export const IMPORT_FORMAT_NAMES = IMPORT_FORMATS.map((f) => f.format);

/** The format of a parsed file, or null when none of the tools' marks is there. */
export function detectImportFormat(value: unknown): ImportFormat | null {
  if (Array.isArray(value)) return value.every((n) => isObject(n) && "text" in n) && value.length > 0 ? "pyloom" : null;
  if (!isObject(value)) return null;
  return IMPORT_FORMATS.find((f) => f.matches(value))?.format ?? null;
}

/** The tool's name for a format. */
export function toolOf(format: ImportFormat): string {
  return IMPORT_FORMATS.find((f) => f.format === format)!.tool;
}

/** What the detector checked, one format a line (for the error on an unknown file). */
export function describeImportChecks(): string {
  return IMPORT_FORMATS.map((f) => `  ${f.format} (${f.tool}): ${f.checked}`).join("\n");
}
