// A Loom as one note of Loomsidian's data.json (the Obsidian plugin's state), or merged into an existing data.json
// so the vault's settings and other notes stay; what the import kept in meta.import.loomsidian goes back.
import type { Loom, LoomNode } from "@loom/core";
import type { Json } from "./foreign-check.js";
import { isObject } from "./foreign-check.js";
import { LOOMSIDIAN_ROOT } from "./loomsidian-import.js";

const importedOf = (n: LoomNode): Json => {
  const imp = n.meta.import;
  return isObject(imp) && isObject(imp.loomsidian) ? imp.loomsidian : {};
};

/** The note's name for a loom that did not come from Loomsidian: its title (or id), as a Markdown file. */
export function loomsidianNoteName(loom: Loom): string {
  const name = (loom.brief.title || loom.sessionId).replace(/[\\/:*?"<>|]/g, "-");
  return `${name}.md`;
}

/** One note's state: {current, hoisted, searchTerm, generating, nodes}. */
export function loomsidianNote(loom: Loom): Json {
  const root = loom.nodes[loom.rootId]!;
  // A root the import made to hold several roots goes away again: its children are the note's roots.
  const synthetic = root.id === LOOMSIDIAN_ROOT && root.text === "";
  const nodes: Json = {};
  for (const id in loom.nodes) {
    const n = loom.nodes[id]!;
    if (synthetic && id === root.id) continue;
    const { file: _file, note: _note, ...kept } = importedOf(n);
    nodes[id] = {
      text: n.text,
      parentId: synthetic && n.parentId === root.id ? null : n.parentId,
      collapsed: false,
      unread: false,
      bookmarked: loom.bookmarks.includes(id),
      searchResultState: null,
      ...kept,
    };
  }
  let current = loom.currentPath[loom.currentPath.length - 1]!;
  if (synthetic && current === root.id) current = Object.keys(nodes)[0] ?? current;
  const file = importedOf(root).file;
  return { hoisted: [], searchTerm: "", generating: null, ...(isObject(file) ? file : {}), current, nodes };
}

/**
 * data.json holding `loom` as the note `note` (default: the note it was imported from, else its title). With
 * `into` (an existing data.json's parsed content) its settings and other notes are kept and this note replaced.
 */
export function exportLoomsidian(loom: Loom, options: { note?: string; into?: unknown } = {}): string {
  const base: Json = isObject(options.into) ? { ...options.into } : { settings: {} };
  const state: Json = isObject(base.state) ? { ...base.state } : {};
  const from = importedOf(loom.nodes[loom.rootId]!).note;
  const note = options.note ?? (typeof from === "string" ? from : loomsidianNoteName(loom));
  state[note] = loomsidianNote(loom);
  return `${JSON.stringify({ ...base, state })}\n`;
}
