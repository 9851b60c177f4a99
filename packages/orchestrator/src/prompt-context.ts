// Memory and author's note: where the session's standing text goes in the prompt, and what the step records of it.
import type { Loom } from "@loom/core";

/** The text a generator continues, with memory above it and the author's note inside it. */
export interface ContextText {
  /** Memory, the piece up to the note, the note, then the piece's last segments (the prompt still ends with the piece). */
  text: string;
  /** The longest stretch of the piece the prompt holds whole, as a path-text reference for compact provenance. */
  anchor: { nodeId: string; text: string } | null;
  /** Of the path's last nodes, how many follow the note (undefined: all; ids may continue only those). */
  tailNodes?: number;
  /** What was placed, recorded in each node's provenance (`meta.promptContext`); null when nothing was. */
  record: { memory?: string; authorsNote?: string; authorsNoteDepth?: number; authorsNoteFrom?: string } | null;
}

/** The bracketed line other looms use for an author's note, on a line of its own. */
export const authorsNoteLine = (note: string): string => `\n[Author's note: ${note.trim()}]\n`;

/** The note for a prompt along `path`: the deepest subtree note on it, else the session's; `from` names its node. */
function noteFor(loom: Loom, path: readonly string[]): { note: string; from?: string } {
  const { authorsNote, subtreeNotes } = loom.config.generator;
  let any = false;
  for (const _ in subtreeNotes) {
    any = true;
    break;
  }
  if (any)
    for (let i = path.length - 1; i >= 0; i--) {
      const note = subtreeNotes[path[i]!];
      if (note !== undefined && note.trim().length > 0) return { note, from: path[i]! };
    }
  return { note: authorsNote };
}

/**
 * Memory goes above the piece; the author's note goes before the current path's last
 * `authorsNoteDepth` segments (before the whole piece when the path is shorter), so the model reads
 * it close to where it writes. Below a node with a subtree note, that note stands in for the session's.
 * `text` is `path`'s text (the current path's unless another is given: a look-ahead's).
 */
export function withPromptContext(loom: Loom, text: string, path: readonly string[] = loom.currentPath): ContextText {
  const { memory, authorsNoteDepth } = loom.config.generator;
  const { note: authorsNote, from } = noteFor(loom, path);
  const tip = path[path.length - 1]!;
  const hasMemory = memory.trim().length > 0;
  const hasNote = authorsNote.trim().length > 0;
  if (!hasMemory && !hasNote) return { text, anchor: { nodeId: tip, text }, record: null };
  const head = hasMemory ? `${memory.trim()}\n\n` : "";
  if (!hasNote) return { text: head + text, anchor: { nodeId: tip, text }, record: { memory } };
  const split = Math.max(0, path.length - authorsNoteDepth);
  let afterLength = 0;
  for (let i = split; i < path.length; i++) afterLength += loom.nodes[path[i]!]!.text.length;
  const before = text.slice(0, text.length - afterLength);
  const after = text.slice(text.length - afterLength);
  return {
    text: head + before + authorsNoteLine(authorsNote) + after,
    anchor: split > 0 ? { nodeId: path[split - 1]!, text: before } : null,
    tailNodes: path.length - split,
    record: {
      ...(hasMemory ? { memory } : {}),
      authorsNote,
      authorsNoteDepth,
      ...(from !== undefined ? { authorsNoteFrom: from } : {}),
    },
  };
}
