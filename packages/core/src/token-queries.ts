// Token-level reading of a path: where the chosen text left the model's favourite token, and where it took an unlikely one.
import type { Loom } from "./loom.js";
import type { Token, TopLogprob } from "./node.js";

/** Default for tokenDivergences: a token the model gave less than a 10% chance. */
export const DEFAULT_TOKEN_DIVERGENCE_PROBABILITY = 0.1;

/** The model's favourite at a token (its first alternative: adapters list them most likely first), or null without alternatives. */
export function argmaxOf(token: Token): TopLogprob | null {
  return token.top?.[0] ?? null;
}

/** Whether the token is not the model's favourite at its point (its favourite was more likely than it). */
export function leftArgmax(token: Token): boolean {
  const best = argmaxOf(token);
  if (!best || token.logprob === undefined) return false;
  if (best.id !== undefined && token.id !== undefined) return best.id !== token.id && best.logprob > token.logprob;
  return best.text !== token.text && best.logprob > token.logprob;
}

/** One node's segment of a path with its tokens (null when the node has none: the seed, written or edited text). */
export interface PathSegment {
  nodeId: string;
  text: string;
  tokens: Token[] | null;
}

/** The segments of a path (default: the current path), each with its tokens. */
export function pathSegments(loom: Loom, path: readonly string[] = loom.currentPath): PathSegment[] {
  return path.map((id) => {
    const node = loom.nodes[id]!;
    return { nodeId: id, text: node.text, tokens: node.tokens ? node.tokens.toArray() : null };
  });
}

/** A token of a path where the chosen text took an alternative the model thought unlikely. */
export interface TokenDivergence {
  nodeId: string;
  /** The token's index within its node (what `branchAtToken` takes). */
  tokenIndex: number;
  /** Characters of the path's text before the token. */
  offset: number;
  text: string;
  logprob: number;
  /** The model's favourite there. */
  argmax: TopLogprob;
}

/**
 * Tokens along a path (default: the current path) that are not the model's favourite and whose probability was
 * below `maxProbability` (default 0.1), in path order. Tokens without a logprob or alternatives are skipped.
 */
export function tokenDivergences(
  loom: Loom,
  options: { path?: readonly string[]; maxProbability?: number } = {},
): TokenDivergence[] {
  const limit = Math.log(options.maxProbability ?? DEFAULT_TOKEN_DIVERGENCE_PROBABILITY);
  const out: TokenDivergence[] = [];
  let offset = 0;
  for (const segment of pathSegments(loom, options.path ?? loom.currentPath)) {
    let at = offset;
    segment.tokens?.forEach((token, tokenIndex) => {
      if (token.logprob !== undefined && token.logprob < limit && leftArgmax(token)) {
        out.push({
          nodeId: segment.nodeId,
          tokenIndex,
          offset: at,
          text: token.text,
          logprob: token.logprob,
          argmax: argmaxOf(token)!,
        });
      }
      at += token.text.length;
    });
    offset += segment.text.length;
  }
  return out;
}
