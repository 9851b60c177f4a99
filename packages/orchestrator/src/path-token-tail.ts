// The end of the current path as token ids, for an engine that continues from ids rather than re-tokenising the text.
import type { Loom, LoomNode, PromptTail, TokenList } from "@loom/core";

/** A node's ids when every token has one and their texts spell the node (cached: a TokenList never changes). */
const idsOf = new WeakMap<TokenList, number[] | null>();

function nodeIds(node: LoomNode): number[] | null {
  const list = node.tokens;
  if (!list || list.length === 0) return null;
  let ids = idsOf.get(list);
  if (ids === undefined) {
    const tokens = list.toArray();
    ids =
      tokens.every((t) => t.id !== undefined) && tokens.map((t) => t.text).join("") === node.text
        ? tokens.map((t) => t.id!)
        : null;
    idsOf.set(list, ids);
  }
  return ids;
}

/**
 * The longest run of nodes ending `path` (the current path by default) whose tokens this generator made (same provider and
 * model: ids mean nothing to another model) with ids that spell their texts, as one tail; stops once
 * `maxIds` are gathered (more than a context holds is never evaluated) or `maxNodes` nodes (the ones after an
 * author's note). Undefined when the tip has none.
 */
export function pathTokenTail(
  loom: Loom,
  generator: { provider: string; model: string },
  maxIds = 8192,
  maxNodes = Number.POSITIVE_INFINITY,
  path: readonly string[] = loom.currentPath,
): PromptTail | undefined {
  const texts: string[] = [];
  const runs: number[][] = [];
  let count = 0;
  const stop = Math.max(0, path.length - 1 - maxNodes);
  for (let i = path.length - 1; i > stop && count < maxIds; i--) {
    const node = loom.nodes[path[i]!]!;
    if (node.meta.provider !== generator.provider || node.meta.model !== generator.model) break;
    const ids = nodeIds(node);
    if (!ids) break;
    texts.push(node.text);
    runs.push(ids);
    count += ids.length;
  }
  if (count === 0) return undefined;
  return { text: texts.reverse().join(""), tokenIds: runs.reverse().flat() };
}
