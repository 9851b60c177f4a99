// Resolves how a user names a node: an id, a unique id prefix, or a depth on the current path (0 = root, -1 = tip).
import type { Loom } from "@loom/core";
import { UsageError } from "../cli/exit-error.js";

export function resolveNodeRef(loom: Loom, ref: string, flag: string): string {
  if (/^-?\d+$/.test(ref)) {
    const n = Number(ref);
    const index = n < 0 ? loom.currentPath.length + n : n;
    const id = loom.currentPath[index];
    if (id === undefined) {
      throw new UsageError(
        `${flag}: position ${ref} is off the current path (it has ${loom.currentPath.length} nodes, 0 … ${loom.currentPath.length - 1})`,
      );
    }
    return id;
  }
  if (loom.nodes[ref]) return ref;
  const matches = Object.keys(loom.nodes).filter((id) => id.startsWith(ref));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw new UsageError(
      `${flag}: "${ref}" matches ${matches.length} nodes (${matches.slice(0, 3).join(", ")}…); give more of the id`,
    );
  }
  throw new UsageError(`${flag}: no node "${ref}" in this session`, "see the ids with `loom tree`");
}
