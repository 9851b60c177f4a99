// Reads Loomsidian's data.json (cosmicoptima/loom, the Obsidian plugin) as Looms: one per note, or the note asked for.
// Shape (common.ts, main.ts): {settings, state: {"<note path>": {current, hoisted, searchTerm, generating,
// nodes: {"<uuid>": {text, parentId, collapsed, unread, bookmarked, lastVisited, color | searchResultState}}}}}.
// A node's text is its own segment; the note's text is the segments from a root down. Older versions kept
// `value` for `text` and `author`, and nodes as a list with ids (Tapestry's migration-assistant reads both).
import { type CheckSite, type Json, objectAt, optBooleanAt, refuse, rest, stringAt } from "./foreign-check.js";
import { type ForeignImport, ForeignLoomBuilder } from "./foreign-loom.js";

const NODE_KEYS = new Set(["id", "text", "value", "parentId", "bookmarked"]);
const NOTE_KEYS = new Set(["current", "nodes"]);

/** The synthetic root's id when a note has several roots (Loom has one). */
export const LOOMSIDIAN_ROOT = "loomsidian-root";

export interface LoomsidianOptions {
  now: string;
  /** One note's path in the vault (a key of state); default every note. */
  note?: string;
}

export interface LoomsidianImport extends ForeignImport {
  note: string;
}

function convertNote(site: CheckSite, raw: unknown, at: string, note: string, now: string): LoomsidianImport {
  const state = objectAt(site, raw, at, "a note's state {current, nodes}");
  const b = new ForeignLoomBuilder(site, "loomsidian", now);
  // Nodes as a map (current versions) or a list with ids (older ones).
  const nodes = new Map<string, { o: Json; field: string }>();
  if (Array.isArray(state.nodes)) {
    state.nodes.forEach((n, i) => {
      const o = objectAt(site, n, `${at}.nodes[${i}]`);
      nodes.set(stringAt(site, o.id, `${at}.nodes[${i}].id`, "a node id"), { o, field: `${at}.nodes[${i}]` });
    });
  } else {
    const map = objectAt(site, state.nodes, `${at}.nodes`, "an object of node id → node");
    for (const id in map) {
      const field = `${at}.nodes[${JSON.stringify(id)}]`;
      nodes.set(id, { o: objectAt(site, map[id], field), field });
    }
  }
  const children = new Map<string | null, string[]>();
  for (const [id, { o, field }] of nodes) {
    const parent =
      o.parentId === undefined || o.parentId === null
        ? null
        : stringAt(site, o.parentId, `${field}.parentId`, "a node id or null");
    if (parent !== null && !nodes.has(parent))
      refuse(
        site,
        `${field}.parentId`,
        `names "${parent}", which is not in the note`,
        "the id of another node of the note",
      );
    const list = children.get(parent);
    if (list) list.push(id);
    else children.set(parent, [id]);
  }
  const roots = children.get(null) ?? [];
  if (roots.length === 0)
    refuse(site, `${at}.nodes`, "has no root (every node has a parent)", "at least one node with parentId null");
  const synthetic = roots.length > 1;
  if (synthetic) {
    b.add({ id: LOOMSIDIAN_ROOT, parentId: null, text: "", origin: "seed" }, at);
    b.warn(`note ${note}: ${roots.length} root nodes; they hang under one empty root (${LOOMSIDIAN_ROOT})`);
  }
  let bookmarked = 0;
  const stack: [string, string | null][] = roots
    .map((r) => [r, synthetic ? LOOMSIDIAN_ROOT : null] as [string, string | null])
    .reverse();
  while (stack.length > 0) {
    const [id, parentId] = stack.pop()!;
    const { o, field } = nodes.get(id)!;
    const text =
      o.text !== undefined && o.text !== null
        ? stringAt(site, o.text, `${field}.text`)
        : o.value !== undefined && o.value !== null
          ? stringAt(site, o.value, `${field}.value`)
          : refuse(site, `${field}.text`, "is missing", "the node's text");
    const unmapped = rest(o, NODE_KEYS);
    if (typeof o.author === "string" && unmapped) delete unmapped.author;
    b.add(
      {
        id,
        parentId,
        text,
        origin:
          parentId === null || parentId === LOOMSIDIAN_ROOT
            ? "seed"
            : typeof o.author === "string" && o.author !== "N/A" && o.author !== "genesis"
              ? "generated"
              : "human",
        ...(typeof o.author === "string" ? { meta: { model: o.author } } : {}),
        ...(unmapped ? { unmapped } : {}),
      },
      field,
    );
    if (optBooleanAt(site, o.bookmarked, `${field}.bookmarked`)) {
      b.bookmark(id);
      bookmarked++;
    }
    const kids = children.get(id) ?? [];
    for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i]!, id]);
  }
  if (b.nodeCount - (synthetic ? 1 : 0) < nodes.size) {
    const lost = [...nodes.keys()].find((id) => !b.has(id))!;
    refuse(
      site,
      `${nodes.get(lost)!.field}.parentId`,
      "is part of a parent cycle: the node cannot be reached from a root",
      "parents that lead to a root",
    );
  }
  const current = stringAt(site, state.current, `${at}.current`, "the id of the note's current node");
  if (!b.has(current))
    refuse(site, `${at}.current`, `names "${current}", which is not in the note`, "a node of the note");
  if (bookmarked > 0) b.warn(`note ${note}: ${bookmarked} bookmark(s) kept as Loom bookmarks`);
  const fileUnmapped = rest(state, NOTE_KEYS);
  const title = note.replace(/\.md$/i, "").split("/").pop() ?? note;
  const built = b.build({ tip: current, title, ...(fileUnmapped ? { fileUnmapped } : {}) });
  // The note's path, so an export back writes the same note.
  const root = built.loom.nodes[built.loom.rootId]!;
  const imported = (root.meta.import as Json | undefined)?.loomsidian as Json | undefined;
  root.meta = { ...root.meta, import: { loomsidian: { ...imported, note } } };
  return { note, ...built };
}

export function convertLoomsidian(value: unknown, site: CheckSite, options: LoomsidianOptions): LoomsidianImport[] {
  const doc = objectAt(site, value, "(top level)", "Loomsidian's data.json {settings, state}");
  if (!("state" in doc)) {
    // One note's state on its own (as Tapestry's migration-assistant also accepts).
    return [convertNote(site, doc, "(top level)", options.note ?? "note", options.now)];
  }
  const state = objectAt(site, doc.state, "state", "an object of note path → note state");
  const notes = Object.keys(state);
  const picked = options.note === undefined ? notes : notes.filter((n) => n === options.note);
  if (options.note !== undefined && picked.length === 0)
    refuse(
      site,
      `state[${JSON.stringify(options.note)}]`,
      "is not a note of this vault",
      `one of: ${notes.slice(0, 10).join(", ")}${notes.length > 10 ? ", …" : ""}`,
    );
  if (picked.length === 0) refuse(site, "state", "holds no notes", "at least one note's state");
  const out = picked.map((note) => convertNote(site, state[note], `state[${JSON.stringify(note)}]`, note, options.now));
  if (doc.settings !== undefined) {
    // The settings hold the user's API keys (modelPresets[].apiKey): Loom never writes keys, so they stay out.
    out[0]!.warnings.push(
      `${site.file}: the plugin's settings were not imported (they hold API keys); Loom uses its own`,
    );
  }
  return out;
}
