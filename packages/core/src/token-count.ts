// How many tokens a node and a path hold: the one count the token budget (maxTokensTotal), the CLI and stats all use.
import type { Loom } from "./loom.js";
import type { LoomNode } from "./node.js";

/**
 * A node's length in tokens: its tokens when the generator gave them, else about 4 characters a
 * token (CLI-sim and human text have none). The seed is the user's, not generated: 0.
 */
export function nodeTokenCount(node: LoomNode): number {
  if (node.origin === "seed") return 0;
  return node.tokens?.length ?? Math.ceil(node.text.length / 4);
}

/** Tokens on a path (default: the current path), counted as the token budget counts them. */
export function pathTokenCount(loom: Loom, path: readonly string[] = loom.currentPath): number {
  let n = 0;
  for (const id of path) n += nodeTokenCount(loom.nodes[id]!);
  return n;
}
