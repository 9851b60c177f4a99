// A node's JSON as its row and its addCandidates op keep it (schema version 5 on): its tokens packed in one base64 string, as the files keep them.
import { TokenList, type LoomNode } from "@loom/core";
import { PACKED_TOKENS_FROM, packTokens, revivePackedTokens } from "@loom/io/internal";

/*
 * Why: JSON.stringify unpacks a node's TokenList into plain objects (~40 a realistic node) only to serialise them,
 * and the plain tokens are ~1.4 KB of its ~1.9 KB of JSON. Packed (io's token-codec.ts, the files' format since
 * their version 3) they are ~0.7 KB of base64 made from a reused buffer: a commit allocates a fraction of what it
 * did (so fewer garbage collections land in commits), sends half the bytes, and the server parses half the JSON
 * and no longer compresses node rows (they stay under PostgreSQL's 2 KB TOAST threshold). Rows written before
 * version 5 hold plain token arrays and are read as they are.
 */

/**
 * Packed token texts already made, by list: a candidate serialised for its op and again for its row (one chosen
 * in the same commit) packs its tokens once.
 */
export type PackedTokens = Map<TokenList, string | null>;

/**
 * The node's JSON in pieces, handed to `piece` in order (`ascii`: the piece is ASCII, so a reader counting its
 * characters need not look): its other fields, then its tokens packed, or plain (TokenList.toJSONText) when they
 * cannot be. `cache` keeps the packed texts made (and is read first). Pieces rather than one string, so that a
 * caller joining them with others (the ops' text) copies the bytes once.
 */
export function writeNodeJson(
  node: LoomNode,
  piece: (text: string, ascii: boolean) => void,
  cache?: PackedTokens,
): void {
  const tokens = node.tokens;
  if (!TokenList.is(tokens)) return piece(JSON.stringify(node), false);
  const rest: Record<string, unknown> = {};
  for (const key in node) if (key !== "tokens") rest[key] = node[key as keyof LoomNode];
  const head = JSON.stringify(rest);
  let packed = cache?.get(tokens);
  if (packed === undefined) {
    packed = packTokens(tokens);
    cache?.set(tokens, packed);
  }
  if (head.length > 2) {
    piece(head.slice(0, -1), false);
    piece(',"tokens":', true);
  } else piece('{"tokens":', true);
  if (packed === null) {
    piece(tokens.toJSONText(), false);
    piece("}", true);
  } else {
    piece('"', true);
    piece(packed, true); // base64
    piece('"}', true);
  }
}

/** The node's JSON (writeNodeJson's pieces joined). */
export function nodeJson(node: LoomNode, cache?: PackedTokens): string {
  const pieces: string[] = [];
  writeNodeJson(node, (text) => pieces.push(text), cache);
  return pieces.join("");
}

/**
 * A parsed node row's (or op's node's) packed tokens turned into their TokenList in place, decoded when first read;
 * plain tokens are left as they are. Throws IoError naming `where` and `field` when the string is not a packed list.
 */
export function reviveNodeTokens(node: unknown, where: string, field: string): void {
  revivePackedTokens(node, PACKED_TOKENS_FROM, field, { file: where });
}

/** reviveNodeTokens for the nodes an op carries (addCandidates' `nodes`, editNode's `node`). */
export function reviveOpNodes(op: unknown, where: string, field: string): void {
  if (typeof op !== "object" || op === null) return;
  const { nodes, node } = op as { nodes?: unknown; node?: unknown };
  if (Array.isArray(nodes))
    for (let i = 0; i < nodes.length; i++) reviveNodeTokens(nodes[i], where, `${field}.nodes[${i}]`);
  if (node !== undefined) reviveNodeTokens(node, where, `${field}.node`);
}
