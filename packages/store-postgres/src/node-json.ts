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

/** The node's JSON: its other fields, then its tokens packed, or plain (TokenList.toJSONText) when they cannot be. */
export function nodeJson(node: LoomNode): string {
  const tokens = node.tokens;
  if (!TokenList.is(tokens)) return JSON.stringify(node);
  const rest: Record<string, unknown> = {};
  for (const key in node) if (key !== "tokens") rest[key] = node[key as keyof LoomNode];
  const head = JSON.stringify(rest);
  const packed = packTokens(tokens);
  const value = packed === null ? tokens.toJSONText() : `"${packed}"`;
  return `${head.length > 2 ? `${head.slice(0, -1)},` : "{"}"tokens":${value}}`;
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
